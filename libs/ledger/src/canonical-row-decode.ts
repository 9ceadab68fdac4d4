// Reads canonical row bytes back into a row. The ledger never needs this to
// hash (it always encodes), but a decoder that accepts only what the encoder
// writes proves the layout is unambiguous, and lets tools show what a leaf
// covers. Anything non-canonical is refused: unknown version, overlong
// uvarint, invalid UTF-8, presence byte other than 0/1, trailing bytes.
import { LedgerError } from './errors.ts';
import { CANONICAL_ROW_VERSION } from './canonical-row.ts';
import type { LedgerRow } from './ledger-row.ts';
import { readUvarint } from './uvarint.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  private fail(what: string): never {
    throw new LedgerError('INVALID_ROW', `canonical row: ${what} at byte ${this.at}`);
  }
  private need(n: number): void {
    if (this.at + n > this.buf.length) this.fail('truncated');
  }
  byte(): number {
    this.need(1);
    return this.buf[this.at++] as number;
  }
  u64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.at);
    this.at += 8;
    return v;
  }
  i64(): number {
    this.need(8);
    const v = this.buf.readBigInt64BE(this.at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) this.fail('integer beyond 2^53');
    this.at += 8;
    return Number(v);
  }
  str(): string {
    const len = readUvarint(this.buf, this.at);
    if (len === undefined) this.fail('bad length');
    this.at = len.next;
    this.need(len.value);
    let text: string;
    try {
      text = utf8.decode(this.buf.subarray(this.at, this.at + len.value));
    } catch (cause) {
      throw new LedgerError('INVALID_ROW', `canonical row: invalid UTF-8 at byte ${this.at}`, { cause });
    }
    this.at += len.value;
    return text;
  }
  optional<T>(read: () => T): T | null {
    const flag = this.byte();
    if (flag === 0x00) return null;
    if (flag !== 0x01) this.fail('presence byte not 0x00/0x01');
    return read();
  }
  end(): void {
    if (this.at !== this.buf.length) this.fail('trailing bytes');
  }
}

export function decodeCanonicalRow(bytes: Uint8Array): LedgerRow {
  const r = new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const version = r.byte();
  if (version !== CANONICAL_ROW_VERSION) {
    throw new LedgerError('INVALID_ROW', `canonical row: unknown version 0x${version.toString(16).padStart(2, '0')}`);
  }
  const row: LedgerRow = {
    seq: r.u64(),
    org: r.str(),
    event_id: r.str(),
    workspace: r.str(),
    instance: r.str(),
    occurred_at: r.i64(),
    action: r.str(),
    actor: r.str(),
    resource: r.str(),
    decision: r.str(),
    outcome: r.str(),
    latency_us: r.optional(() => r.i64()),
    arguments: r.optional(() => r.str()),
    response: r.optional(() => r.str()),
    error: r.optional(() => r.str()),
    trace_id: r.optional(() => r.str()),
  };
  r.end();
  return row;
}
