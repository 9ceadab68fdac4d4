// ClickHouse's RowBinary input format, for the ledger's two big tables: each
// row is its columns' values back to back, strings as a LEB128 length and the
// UTF-8 bytes, integers little-endian, a Nullable as one byte (1 = NULL) and
// the value if there is one, an Array as a LEB128 count and the elements. The
// engine copies such values into its columns with no text to parse, where
// JSONCompactEachRow has it scan and unescape every string
// (bench/ledger-engine-ceiling.ts measures both).
//
// One writer, grown as needed and reused: encoding a 10,000-row chunk makes
// a handful of allocations, not a few per value.
//
// Integers are checked before they are written: Buffer's writers take NaN
// (a string or undefined where a number belongs) as 0 and a plain index
// store takes anything, so a mistyped value would be stored as a wrong row
// (a time of 1970 that the TTL then drops) instead of refused. The JSON
// formats had the engine refuse such a value; this keeps that verdict.
import { StoreError } from '../errors.ts';

function refuseValue(type: string, v: unknown): never {
  throw new StoreError('QUERY_FAILED', `RowBinary ${type}: ${JSON.stringify(v) ?? String(v)} is not a value of this type`, false);
}

const HEX = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const h = i.toString(16).padStart(2, '0');
  HEX[i * 2] = h.charCodeAt(0);
  HEX[i * 2 + 1] = h.charCodeAt(1);
}

export class RowBinaryWriter {
  private buf: Buffer;
  private at = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** The bytes written since the last reset, copied out; the writer may be reused. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.at);
    this.buf.copy(out, 0, 0, this.at);
    this.at = 0;
    return out;
  }

  /**
   * The bytes written since the last reset, not copied: valid until the next
   * write or reset. For a writer its owner does not share while the bytes are
   * in use (take() copies them out for a shared one).
   */
  view(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  /** Drops what was written; the buffer is kept for the next rows. */
  reset(): void {
    this.at = 0;
  }

  /**
   * Runs `write` and returns what it wrote. If it throws (a value refused
   * halfway through a row), what it wrote is dropped, so a shared writer's
   * next batch does not start with part of this one.
   */
  encode(write: (w: RowBinaryWriter) => void): Buffer {
    try {
      write(this);
    } catch (err) {
      this.at = 0;
      throw err;
    }
    return this.take();
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  private varint(n: number): void {
    this.room(10);
    this.varintInPlace(n);
  }

  // Writes at `at` without growing the buffer: the caller reserved the room.
  private varintInPlace(n: number): void {
    while (n >= 0x80) {
      this.buf[this.at++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.at++] = n;
  }

  string(s: string): void {
    const len = s.length;
    // ASCII, the common case: one byte per unit, copied here (a native
    // encoder call costs more than these strings' bytes).
    const prefix = len < 0x80 ? 1 : len < 0x4000 ? 2 : 3;
    if (len < 0x200000) {
      this.room(prefix + len);
      const b = this.buf;
      const start = this.at + prefix;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[start + i] = c;
      }
      if (i === len) {
        this.varintInPlace(len);
        this.at += len;
        return;
      }
    }
    // UTF-8 is at most 3 bytes per UTF-16 unit: reserve the length prefix for
    // that bound, write the bytes after it, and close the gap if the actual
    // length needs fewer prefix bytes.
    const max = len * 3;
    const reserve = max < 0x80 ? 1 : max < 0x4000 ? 2 : max < 0x200000 ? 3 : 5;
    this.room(reserve + max);
    const n = this.buf.write(s, this.at + reserve, 'utf8');
    const need = n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
    if (need < reserve) this.buf.copyWithin(this.at + need, this.at + reserve, this.at + reserve + n);
    // Not varint(): growing the buffer here would lose the bytes just written past `at`.
    this.varintInPlace(n);
    this.at += n;
  }

  /** src[from..to) as they are: bytes already in RowBinary form. */
  bytes(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    this.room(n);
    const b = this.buf;
    let at = this.at;
    // Short runs (most fields here) cost less copied in JS than through a native call.
    if (n < 64) for (let i = from; i < to; i++) b[at++] = src[i]!;
    else {
      b.set(src.subarray(from, to), at);
      at += n;
    }
    this.at = at;
  }

  /** Eight bytes of src from `from` in reverse order: a big-endian 64-bit integer as RowBinary's little-endian. */
  reversed8(src: Uint8Array, from: number): void {
    this.room(8);
    const b = this.buf;
    const at = this.at;
    for (let i = 0; i < 8; i++) b[at + i] = src[from + 7 - i]!;
    this.at = at + 8;
  }

  nullableString(s: string | null): void {
    this.room(1);
    if (s === null) {
      this.buf[this.at++] = 1;
      return;
    }
    this.buf[this.at++] = 0;
    this.string(s);
  }

  /** A String column holding the lower-case hex of `bytes` (the stored hash columns). */
  hex(bytes: Uint8Array): void {
    this.varint(bytes.length * 2);
    this.room(bytes.length * 2);
    const b = this.buf;
    let at = this.at;
    for (let i = 0; i < bytes.length; i++) {
      const v = bytes[i]! * 2;
      b[at++] = HEX[v]!;
      b[at++] = HEX[v + 1]!;
    }
    this.at = at;
  }

  arrayLength(n: number): void {
    this.varint(n);
  }

  /** UInt8, and Enum8 by its value. */
  uint8(v: number): void {
    if ((v & 0xff) !== v) refuseValue('UInt8', v);
    this.room(1);
    this.buf[this.at++] = v;
  }

  /** UInt32, and DateTime (seconds). */
  uint32(v: number): void {
    if (v >>> 0 !== v) refuseValue('UInt32', v);
    this.room(4);
    this.at = this.buf.writeUInt32LE(v, this.at);
  }

  float64(v: number): void {
    if (typeof v !== 'number') refuseValue('Float64', v);
    this.room(8);
    this.at = this.buf.writeDoubleLE(v, this.at);
  }

  uint16(v: number): void {
    if ((v & 0xffff) !== v) refuseValue('UInt16', v);
    this.room(2);
    this.at = this.buf.writeUInt16LE(v, this.at);
  }

  /** UInt64 from a non-negative safe integer. */
  uint64(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) refuseValue('UInt64', v);
    this.room(8);
    this.buf.writeUInt32LE(v % 0x1_0000_0000, this.at);
    this.buf.writeUInt32LE(Math.floor(v / 0x1_0000_0000), this.at + 4);
    this.at += 8;
  }

  /** UInt64 from a decimal string (Kafka offsets). */
  uint64Decimal(v: string): void {
    if (v.length < 16) this.uint64(Number(v));
    else this.uint64Big(BigInt(v));
  }

  uint64Big(v: bigint): void {
    this.room(8);
    this.at = this.buf.writeBigUInt64LE(v, this.at);
  }

  /** Int64 (and DateTime64 ticks) from a safe integer. */
  int64(v: number): void {
    if (!Number.isSafeInteger(v)) refuseValue('Int64', v);
    this.room(8);
    const hi = Math.floor(v / 0x1_0000_0000);
    this.buf.writeUInt32LE(v - hi * 0x1_0000_0000, this.at);
    this.buf.writeInt32LE(hi, this.at + 4);
    this.at += 8;
  }

  nullableInt64(v: number | null): void {
    this.room(1);
    if (v === null) {
      this.buf[this.at++] = 1;
      return;
    }
    this.buf[this.at++] = 0;
    this.int64(v);
  }
}
