// The canonical byte encoding of a ledger row (version 1), the exact bytes a
// leaf hash covers. The layout is documented in README.md and pinned by the
// golden vectors in src/golden/; changing it means a new version byte, never an
// edit of version 1. Rules: fields in a fixed order; strings as uvarint byte
// length + the exact UTF-8 bytes (no Unicode normalisation); integers as
// fixed-width big-endian; nullable fields behind a 0x00/0x01 presence byte so
// null and "" differ; enum symbols as text; no floats anywhere.
import { LedgerError } from './errors.ts';
import { leafHashOfPrefixed, type Hash } from './hashing.ts';
import type { LedgerRow } from './ledger-row.ts';
import { uvarintSize, writeUvarint } from './uvarint.ts';

export const CANONICAL_ROW_VERSION = 0x01;

const STRING_FIELDS_BEFORE_TIME = ['org', 'event_id', 'workspace', 'instance'] as const;
const STRING_FIELDS_AFTER_TIME = ['action', 'actor', 'resource', 'decision', 'outcome'] as const;
const NULLABLE_STRING_FIELDS = ['arguments', 'response', 'error', 'trace_id'] as const;
const U64_LIMIT = 1n << 64n;
// A lone UTF-16 surrogate has no UTF-8 form: encoders silently replace it with
// U+FFFD, which would make two different strings hash the same. Refuse it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function invalid(row: LedgerRow, message: string): LedgerError {
  const seq = typeof row.seq === 'bigint' ? row.seq : undefined;
  return new LedgerError('INVALID_ROW', message, seq === undefined ? {} : { seq });
}

function stringSize(row: LedgerRow, field: keyof LedgerRow, value: unknown): number {
  if (typeof value !== 'string') throw invalid(row, `field "${field}" must be a string`);
  if (LONE_SURROGATE.test(value)) throw invalid(row, `field "${field}" is not well-formed Unicode`);
  const n = Buffer.byteLength(value, 'utf8');
  return uvarintSize(n) + n;
}

function checkInteger(row: LedgerRow, field: keyof LedgerRow, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalid(row, `field "${field}" must be an integer within ±(2^53 - 1)`);
  }
  return value;
}

function encodedSize(row: LedgerRow): number {
  if (typeof row.seq !== 'bigint' || row.seq < 0n || row.seq >= U64_LIMIT) {
    throw invalid(row, 'field "seq" must be a bigint in [0, 2^64)');
  }
  let size = 1 + 8 + 8; // version, seq, occurred_at
  for (const f of STRING_FIELDS_BEFORE_TIME) size += stringSize(row, f, row[f]);
  checkInteger(row, 'occurred_at', row.occurred_at);
  for (const f of STRING_FIELDS_AFTER_TIME) size += stringSize(row, f, row[f]);
  size += 1;
  if (row.latency_us !== null) {
    checkInteger(row, 'latency_us', row.latency_us);
    size += 8;
  }
  for (const f of NULLABLE_STRING_FIELDS) {
    size += 1;
    if (row[f] !== null) size += stringSize(row, f, row[f]);
  }
  return size;
}

/** Writes the row after `spare` leading bytes (left for a hash prefix); every byte after them is written. */
function encodeInto(row: LedgerRow, spare: number): Buffer {
  const buf = Buffer.alloc(spare + encodedSize(row));
  let at = spare;
  const str = (value: string): void => {
    at = writeUvarint(buf, at, Buffer.byteLength(value, 'utf8'));
    at += buf.write(value, at, 'utf8');
  };
  buf[at++] = CANONICAL_ROW_VERSION;
  at = buf.writeBigUInt64BE(row.seq, at);
  for (const f of STRING_FIELDS_BEFORE_TIME) str(row[f]);
  at = buf.writeBigInt64BE(BigInt(row.occurred_at), at);
  for (const f of STRING_FIELDS_AFTER_TIME) str(row[f]);
  if (row.latency_us === null) buf[at++] = 0x00;
  else {
    buf[at++] = 0x01;
    at = buf.writeBigInt64BE(BigInt(row.latency_us), at);
  }
  for (const f of NULLABLE_STRING_FIELDS) {
    const value = row[f];
    if (value === null) buf[at++] = 0x00;
    else {
      buf[at++] = 0x01;
      str(value);
    }
  }
  if (at !== buf.length) throw new Error(`canonical row size mismatch: wrote ${at} of ${buf.length}`);
  return buf;
}

/** The canonical bytes of a row (version byte first). Throws INVALID_ROW. */
export function encodeCanonicalRow(row: LedgerRow): Uint8Array {
  return new Uint8Array(encodeInto(row, 0));
}

/** SHA-256(0x00 || canonical bytes): the row's Merkle leaf hash. Throws INVALID_ROW. */
export function rowLeafHash(row: LedgerRow): Hash {
  return leafHashOfPrefixed(encodeInto(row, 1));
}
