// A row as an export carries it: the row plus the two hashes storage recorded
// when the row was appended. The verifier recomputes everything from the row
// itself; the stored hashes are only used to *name* a failure (which row was
// edited, deleted, inserted or moved), never to pass one.
import { fromHexStrict, toHex } from '../bytes.ts';
import { LedgerError } from '../errors.ts';
import { HASH_SIZE, type Hash } from '../hashing.ts';
import { ledgerRowFromJson, ledgerRowToJson, type LedgerRow, type LedgerRowJson } from '../ledger-row.ts';

export interface ExportedRow {
  readonly row: LedgerRow;
  /** leaf hash stored at append time */
  readonly leafHash: Hash;
  /** chain head before this row, stored at append time */
  readonly prevHash: Hash;
}

/** One NDJSON export line: the row's JSON form plus `leaf_hash` and `prev_hash` in lower-case hex. */
export type ExportedRowJson = LedgerRowJson & { readonly leaf_hash: string; readonly prev_hash: string };

export function exportedRowToJson(r: ExportedRow): ExportedRowJson {
  return { ...ledgerRowToJson(r.row), leaf_hash: toHex(r.leafHash), prev_hash: toHex(r.prevHash) };
}

function hashField(obj: Record<string, unknown>, key: string): Hash {
  const value = obj[key];
  const bytes = typeof value === 'string' ? fromHexStrict(value) : undefined;
  if (bytes === undefined || bytes.length !== HASH_SIZE) {
    throw new LedgerError('INVALID_ROW', `"${key}" must be ${HASH_SIZE * 2} lower-case hex digits`);
  }
  return bytes;
}

export function exportedRowFromJson(value: unknown): ExportedRow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LedgerError('INVALID_ROW', 'an exported row must be a JSON object');
  }
  const { leaf_hash: _leaf, prev_hash: _prev, ...row } = value as Record<string, unknown>;
  const obj = value as Record<string, unknown>;
  return { row: ledgerRowFromJson(row), leafHash: hashField(obj, 'leaf_hash'), prevHash: hashField(obj, 'prev_hash') };
}
