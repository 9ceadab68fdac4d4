// Naming what happened at the first row that does not fit. The verdict itself
// never depends on this file (a failure is a failure); it only decides which
// code and seq to report, from the seq numbers and the hashes storage
// recorded at append time (leaf_hash, prev_hash), against the running chain
// head h the verifier recomputed from authentic rows. The decision table is in
// README.md ("Telling tampering apart").
import { bytesEqual } from '../bytes.ts';
import { rowLeafHash } from '../canonical-row.ts';
import { chainHash } from '../chain.ts';
import { LedgerError, type LedgerErrorOptions } from '../errors.ts';
import type { Hash } from '../hashing.ts';
import type { ExportedRow } from './exported-row.ts';

// How far a renumbering (rows deleted, later seqs shifted down) is searched for.
const MAX_RENUMBER_SHIFT = 16;

function leafAt(r: ExportedRow, seq: bigint): Hash | undefined {
  try {
    return rowLeafHash({ ...r.row, seq });
  } catch {
    return undefined;
  }
}

/** The row's stored leaf hash was computed for this seq: the row was appended there. */
function belongsAt(r: ExportedRow, seq: bigint): boolean {
  const leaf = leafAt(r, seq);
  return leaf !== undefined && bytesEqual(leaf, r.leafHash);
}

/** First row after position i whose stored prev_hash is h: the row that really follows the verified prefix. */
function findSuccessor(rows: readonly ExportedRow[], i: number, h: Hash): number {
  for (let j = i + 1; j < rows.length; j++) if (bytesEqual((rows[j] as ExportedRow).prevHash, h)) return j;
  return -1;
}

const fail = (code: ConstructorParameters<typeof LedgerError>[0], message: string, seq: bigint, extra: LedgerErrorOptions = {}) =>
  new LedgerError(code, message, { ...extra, seq });

/** Row i carries seq s > e, the seq expected next: seq e is missing here. */
export function classifyGap(rows: readonly ExportedRow[], i: number, e: bigint, h: Hash): LedgerError {
  const s = (rows[i] as ExportedRow).row.seq;
  for (let j = i + 1; j < rows.length; j++) {
    if ((rows[j] as ExportedRow).row.seq === e) {
      return fail('ROWS_REORDERED', `seq ${e} appears after seq ${s}`, e);
    }
  }
  const j = findSuccessor(rows, i - 1, h);
  if (j >= 0 && belongsAt(rows[j] as ExportedRow, e)) {
    const moved = (rows[j] as ExportedRow).row.seq;
    return fail('ROWS_REORDERED', `the row appended as seq ${e} now carries seq ${moved}`, e);
  }
  const missing = s - e === 1n ? `seq ${e} is missing` : `seqs ${e} to ${s - 1n} are missing`;
  return fail('ROW_DELETED', missing, e);
}

/**
 * Row i has the expected seq but its recomputed leaf (undefined: the row
 * cannot even be encoded) or its link to the chain head h differs from what
 * was stored.
 */
export function classifyBrokenRow(
  rows: readonly ExportedRow[],
  i: number,
  h: Hash,
  leaf: Hash | undefined,
  cause: unknown,
): LedgerError {
  const r = rows[i] as ExportedRow;
  const s = r.row.seq;
  const linkOk = bytesEqual(r.prevHash, h);
  const leafOk = leaf !== undefined && bytesEqual(leaf, r.leafHash);
  const withCause = cause === undefined ? {} : { cause };

  // A later row continues the chain from h: rows i..j-1 are not part of it,
  // unless row i is that row's partner in a seq swap.
  const j = findSuccessor(rows, i, h);
  if (j >= 0) {
    const other = rows[j] as ExportedRow;
    if (belongsAt(r, other.row.seq) && belongsAt(other, s)) {
      return fail('ROWS_REORDERED', `the rows appended as seq ${s} and seq ${other.row.seq} swapped places`, s);
    }
    const count = j - i === 1 ? 'a row' : `${j - i} rows`;
    return fail('ROW_INSERTED', `${count} at seq ${s} ${j - i === 1 ? 'is' : 'are'} not part of the chain`, s);
  }
  if (linkOk) return fail('ROW_EDITED', `the row at seq ${s} does not hash to the leaf appended there`, s, withCause);
  const prev = rows[i - 1];
  if (prev !== undefined && bytesEqual(prev.prevHash, r.prevHash)) {
    // Two rows claim the same predecessor. If row i is the row appended at the
    // previous seq (renumbered to make room), the row before it was inserted.
    const inserted = s > 0n && belongsAt(r, s - 1n) ? prev.row.seq : s;
    return fail('ROW_INSERTED', `seq ${prev.row.seq} and seq ${s} claim the same predecessor: seq ${inserted} was inserted`, inserted);
  }
  for (let d = 1n; d <= BigInt(MAX_RENUMBER_SHIFT); d++) {
    if (belongsAt(r, s + d)) {
      const which = d === 1n ? `seq ${s} was deleted` : `seqs ${s} to ${s + d - 1n} were deleted`;
      return fail('ROW_DELETED', `${which} and the later rows renumbered`, s);
    }
  }
  if (leafOk && s === 0n) return fail('ROW_EDITED', 'the prev_hash of seq 0 is not the genesis of this org', s);
  if (leafOk) {
    // Row i is the row appended at seq s, but it was chained to something else.
    const next = rows[i + 1];
    if (next !== undefined && bytesEqual(next.prevHash, chainAfter(r))) {
      return fail('ROW_EDITED', `seq ${s} was chained to another version of seq ${s - 1n} (leaf hash rewritten)`, s - 1n);
    }
    return fail('ROW_DELETED', `the row chained before seq ${s} is missing (later rows renumbered, leaf hashes rewritten)`, s);
  }
  if (i === rows.length - 1) {
    // Nothing after it to show what it replaced: a last row that does not continue the chain was added.
    return fail('ROW_INSERTED', `the last row, seq ${s}, does not continue the chain`, s, withCause);
  }
  return fail('ROW_EDITED', `neither the content nor the chain link of seq ${s} is what was appended`, s, withCause);
}

function chainAfter(r: ExportedRow): Hash {
  return chainHash(r.prevHash, r.leafHash);
}
