// The canonical byte encoding of a ledger row (version 1), the exact bytes a
// leaf hash covers. The layout is documented in README.md and pinned by the
// golden vectors in src/golden/; changing it means a new version byte, never an
// edit of version 1. Rules: fields in a fixed order; strings as uvarint byte
// length + the exact UTF-8 bytes (no Unicode normalisation); integers as
// fixed-width big-endian; nullable fields behind a 0x00/0x01 presence byte so
// null and "" differ; enum symbols as text; no floats anywhere.
//
// This is the ledger's hot path (every audit event passes through it), so it
// writes into one reusable scratch buffer, copies ASCII in JS (the common
// case) and leaves only non-ASCII strings to the native UTF-8 encoder.
import { LedgerError } from './errors.ts';
import { leafHashOfPrefixed, type Hash } from './hashing.ts';
import type { LedgerEvent, LedgerRow } from './ledger-row.ts';
import { writeUvarint } from './uvarint.ts';

export const CANONICAL_ROW_VERSION = 0x01;

const STRING_FIELDS_BEFORE_TIME = ['org', 'event_id', 'workspace', 'instance'] as const;
const STRING_FIELDS_AFTER_TIME = ['action', 'actor', 'resource', 'decision', 'outcome'] as const;
const NULLABLE_STRING_FIELDS = ['arguments', 'response', 'error', 'trace_id'] as const;
const U64_LIMIT = 1n << 64n;
const TWO_32 = 2 ** 32;
// A lone UTF-16 surrogate has no UTF-8 form: encoders silently replace it with
// U+FFFD, which would make two different strings hash the same. Refuse it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Byte 0 is left free for the leaf-hash prefix, so hashing needs no copy.
let scratch = Buffer.alloc(4096);

// `seq` apart from the fields: the fold encodes an event at its seq without
// building a row object for it (see eventLeaf).
type Fields = Omit<LedgerRow, 'seq'>;

function invalid(seq: unknown, message: string): LedgerError {
  return new LedgerError('INVALID_ROW', message, typeof seq === 'bigint' ? { seq } : {});
}

function ensure(at: number, more: number): void {
  if (at + more <= scratch.length) return;
  const grown = Buffer.alloc(Math.max(scratch.length * 2, at + more));
  scratch.copy(grown, 0, 0, at);
  scratch = grown;
}

function writeString(seq: bigint, field: keyof LedgerRow, value: unknown, at: number): number {
  if (typeof value !== 'string') throw invalid(seq, `field "${field}" must be a string`);
  // ASCII in one pass: copy while checking (its UTF-8 length is its length);
  // at the first non-ASCII unit, start the field again with the native encoder.
  const len = value.length;
  ensure(at, 10 + len);
  const start = writeUvarint(scratch, at, len);
  let i = 0;
  for (; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) break;
    scratch[start + i] = c;
  }
  if (i === len) return start + len;
  if (LONE_SURROGATE.test(value)) throw invalid(seq, `field "${field}" is not well-formed Unicode`);
  const n = Buffer.byteLength(value, 'utf8');
  ensure(at, 10 + n);
  at = writeUvarint(scratch, at, n);
  return at + scratch.write(value, at, 'utf8');
}

/** Signed 64-bit big-endian from a safe integer, without going through BigInt. */
function writeInt64(seq: bigint, field: keyof LedgerRow, value: unknown, at: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalid(seq, `field "${field}" must be an integer within ±(2^53 - 1)`);
  }
  ensure(at, 8);
  const high = Math.floor(value / TWO_32);
  scratch.writeInt32BE(high, at);
  scratch.writeUInt32BE(value - high * TWO_32, at + 4);
  return at + 8;
}

/** Writes the canonical bytes of `row` at `seq` at scratch[1..]; returns the end offset. */
function encode(row: Fields, seq: bigint): number {
  if (typeof seq !== 'bigint' || seq < 0n || seq >= U64_LIMIT) {
    throw invalid(seq, 'field "seq" must be a bigint in [0, 2^64)');
  }
  let at = 1;
  scratch[at++] = CANONICAL_ROW_VERSION;
  at = scratch.writeBigUInt64BE(seq, at);
  for (const f of STRING_FIELDS_BEFORE_TIME) at = writeString(seq, f, row[f], at);
  at = writeInt64(seq, 'occurred_at', row.occurred_at, at);
  for (const f of STRING_FIELDS_AFTER_TIME) at = writeString(seq, f, row[f], at);
  ensure(at, 1);
  if (row.latency_us === null) scratch[at++] = 0x00;
  else {
    scratch[at++] = 0x01;
    at = writeInt64(seq, 'latency_us', row.latency_us, at);
  }
  for (const f of NULLABLE_STRING_FIELDS) {
    const value = row[f];
    ensure(at, 1);
    if (value === null) scratch[at++] = 0x00;
    else {
      scratch[at++] = 0x01;
      at = writeString(seq, f, value, at);
    }
  }
  return at;
}

/** The canonical bytes of a row (version byte first). Throws INVALID_ROW. */
export function encodeCanonicalRow(row: LedgerRow): Uint8Array {
  const end = encode(row, row.seq);
  return new Uint8Array(scratch.subarray(1, end));
}

/** SHA-256(0x00 || canonical bytes): the row's Merkle leaf hash. Throws INVALID_ROW. */
export function rowLeafHash(row: LedgerRow): Hash {
  const end = encode(row, row.seq);
  return leafHashOfPrefixed(scratch.subarray(0, end));
}

/** A row's leaf hash with the canonical bytes it covers. */
export interface EncodedLeaf {
  readonly leafHash: Hash;
  /**
   * The canonical bytes (version byte first): a view of the encoder's shared
   * buffer, valid only until the next row is encoded. Copy what you keep.
   */
  readonly canonical: Uint8Array;
}

/**
 * The leaf hash of `event` as the row at `seq` (the hashed fields only, as
 * rowLeafHash(ledgerRowFromEvent(event, seq)) gives), and its canonical
 * bytes, which a writer can copy into storage instead of encoding the same
 * strings again. Throws INVALID_ROW.
 */
export function eventLeaf(event: LedgerEvent, seq: bigint): EncodedLeaf {
  const end = encode(event, seq);
  return { leafHash: leafHashOfPrefixed(scratch.subarray(0, end)), canonical: scratch.subarray(1, end) };
}

// A native scan for lone surrogates (V8 11.1, so Node 20); the project's lib
// setting (ES2023) predates its type.
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

const EVENT_STRING_FIELDS = [...STRING_FIELDS_BEFORE_TIME, ...STRING_FIELDS_AFTER_TIME] as const;

function checkText(field: keyof LedgerEvent, value: unknown): void {
  if (typeof value !== 'string') throw invalid(undefined, `field "${field}" must be a string`);
  if (!isWellFormed(value)) throw invalid(undefined, `field "${field}" is not well-formed Unicode`);
}

function checkInt64(field: keyof LedgerEvent, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalid(undefined, `field "${field}" must be an integer within ±(2^53 - 1)`);
  }
}

/**
 * Throws the INVALID_ROW the canonical encoder would throw for this event at
 * any seq, without encoding it: what the ledger-worker checks while a message
 * can still be dead-lettered (encoding it there as well cost ~3 µs a row).
 */
export function checkLedgerEvent(event: LedgerEvent): void {
  for (const f of EVENT_STRING_FIELDS) checkText(f, event[f]);
  checkInt64('occurred_at', event.occurred_at);
  if (event.latency_us !== null) checkInt64('latency_us', event.latency_us);
  for (const f of NULLABLE_STRING_FIELDS) {
    const value = event[f];
    if (value !== null) checkText(f, value);
  }
}
