// The offline verifier: given an org's exported rows (in export order), its
// signed checkpoints and a keyring, recompute every leaf, the chain and the
// Merkle root at every checkpoint size, and report the FIRST failure with its
// code and seq. Nothing in the export is trusted: stored hashes only help name
// a failure (classify-break.ts). Order of checks: checkpoints must open
// (signature, key, window, origin) and agree with each other and with the
// trusted head; then rows in order, each checked for org, seq, leaf and link,
// and the tree checked against each signed head as the walk reaches its size;
// finally the export must reach the largest signed size.
import { bytesEqual } from '../bytes.ts';
import { chainHash, genesisHash } from '../chain.ts';
import type { Checkpoint } from '../checkpoint/checkpoint.ts';
import type { OpenedCheckpoint } from '../checkpoint/signed-checkpoint.ts';
import { rowLeafHash } from '../canonical-row.ts';
import { LedgerError } from '../errors.ts';
import { HASH_SIZE, type Hash } from '../hashing.ts';
import { checkpointOrigin } from '../ledger-org.ts';
import { CompactRange } from '../merkle/compact-range.ts';
import type { Keyring } from '../note/keyring.ts';
import { classifyBrokenRow, classifyGap } from './classify-break.ts';
import type { ExportedRow } from './exported-row.ts';
import { collectSignedHeads, type SignedHead } from './signed-heads.ts';
import { headMismatch } from './head-mismatch.ts';
import { prunedWalkStart, type PrunedPrefix } from '../export/pruned-prefix.ts';

export interface VerifyLedgerInput {
  readonly org: string;
  /** Rows as exported (ORDER BY seq), from seq 0, or from `pruned.size` when the prefix was pruned. */
  readonly rows: readonly ExportedRow[];
  /** The prefix pruned by retention, as the export declares it: rows start after it. */
  readonly pruned?: PrunedPrefix;
  /** Signed checkpoint notes, any order. */
  readonly checkpoints: readonly string[];
  readonly keyring: Keyring;
  /** The last checkpoint this verifier trusted (already verified when it was trusted). */
  readonly trusted?: Checkpoint;
}

export interface LedgerVerdict {
  readonly ok: true;
  readonly org: string;
  readonly rows: number;
  /** Rows before the export's first row that were pruned (their subtree hashes checked against a signed root); 0 if none. */
  readonly prunedSize: number;
  /** Rows covered by the largest signed checkpoint: what this verdict vouches for. 0 if none. */
  readonly signedSize: number;
  /** Rows after the largest checkpoint: consistent with the chain but not yet signed. */
  readonly unsignedRows: number;
  /** The largest checkpoint, to be trusted from now on. */
  readonly latest: OpenedCheckpoint | undefined;
  /** Recomputed over all rows, signed or not. */
  readonly root: Hash;
  readonly chainHead: Hash;
}

export type VerifyResult = LedgerVerdict | { readonly ok: false; readonly error: LedgerError };

export function verifyLedger(input: VerifyLedgerInput): VerifyResult {
  try {
    return walk(input);
  } catch (error) {
    if (error instanceof LedgerError) return { ok: false, error };
    throw error;
  }
}

function checkStoredHashes(r: ExportedRow): void {
  if (r.leafHash.length !== HASH_SIZE || r.prevHash.length !== HASH_SIZE) {
    throw new LedgerError('INVALID_ROW', `stored hashes of seq ${r.row.seq} must be ${HASH_SIZE} bytes`, { seq: r.row.seq });
  }
}

/** Where a walk starts: the empty tree, or a signed head whose frontier the caller has checked. */
export interface WalkStart {
  readonly range: CompactRange;
  readonly chainHead: Hash;
  readonly eventTime: number;
}

/**
 * Checks rows in order from `start` (org, seq, leaf, link), and the tree
 * against every head as the walk reaches its size; throws the first failure,
 * named by classify-break.ts. Shared by the offline verifier and range
 * verification of the stored ledger, so both name a break the same way.
 * `visit` sees every perfect node the recomputed rows complete.
 */
export function walkRows(
  org: string,
  rows: readonly ExportedRow[],
  heads: readonly SignedHead[],
  start: WalkStart,
  visit?: (seq: bigint, level: number, index: number, hash: Hash) => void,
): { range: CompactRange; chainHead: Hash } {
  const range = start.range;
  let h = start.chainHead;
  let e = BigInt(range.size);
  let lastTime = start.eventTime;
  let nextHead = heads.findIndex((head) => head.checkpoint.size >= range.size);
  if (nextHead < 0) nextHead = heads.length;
  let matchedSize = range.size;
  const checkHeads = (i: number): void => {
    for (let head = heads[nextHead]; head !== undefined && head.checkpoint.size === range.size; head = heads[++nextHead]) {
      const cp = head.checkpoint;
      if (!bytesEqual(range.root(), cp.root)) throw headMismatch(head, range, rows, i, matchedSize, heads.slice(nextHead + 1));
      if (!bytesEqual(h, cp.chainHead) || lastTime !== cp.eventTime) {
        throw new LedgerError(
          'CHECKPOINT_MISMATCH',
          `the rows reproduce the root of the checkpoint of size ${cp.size}, but not its chain head or event time`,
          { treeSize: cp.size, seq: cp.size > 0 ? BigInt(cp.size - 1) : undefined },
        );
      }
      matchedSize = cp.size;
    }
  };
  checkHeads(-1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as ExportedRow;
    checkStoredHashes(r);
    const s = r.row.seq;
    if (r.row.org !== org) throw new LedgerError('FOREIGN_ROW', `seq ${s} belongs to org ${JSON.stringify(r.row.org)}`, { seq: s });
    if (s < e) throw new LedgerError('ROW_INSERTED', `seq ${s} appears again after seq ${e - 1n}`, { seq: s });
    if (s > e) throw classifyGap(rows, i, e, h);
    let leaf: Hash | undefined;
    let cause: unknown;
    try {
      leaf = rowLeafHash(r.row);
    } catch (error) {
      cause = error;
    }
    if (leaf === undefined || !bytesEqual(leaf, r.leafHash) || !bytesEqual(r.prevHash, h)) {
      throw classifyBrokenRow(rows, i, h, leaf, cause);
    }
    h = chainHash(h, leaf);
    range.append(leaf, visit && ((level, index, hash) => visit(s, level, index, hash)));
    lastTime = r.row.occurred_at;
    e++;
    checkHeads(i);
  }
  const largest = heads[heads.length - 1]?.checkpoint.size ?? 0;
  if (range.size < largest) {
    throw new LedgerError('TAIL_DROPPED', `the export ends at seq ${e}, but a signed checkpoint covers ${largest} rows`, {
      seq: e,
      treeSize: largest,
    });
  }
  return { range, chainHead: h };
}

function walk(input: VerifyLedgerInput): LedgerVerdict {
  const { org, rows } = input;
  const origin = checkpointOrigin(org);
  const { heads, latest } = collectSignedHeads(input.checkpoints, input.keyring, origin, input.trusted);
  const start = input.pruned ? prunedWalkStart(input.pruned, heads) : { range: new CompactRange(), chainHead: genesisHash(org), eventTime: 0 };
  const prunedSize = input.pruned?.size ?? 0;
  const { range, chainHead } = walkRows(org, rows, heads, start);
  const signedSize = latest?.checkpoint.size ?? 0;
  return {
    ok: true,
    org,
    rows: rows.length,
    prunedSize,
    signedSize,
    unsignedRows: prunedSize + rows.length - signedSize,
    latest,
    root: range.root(),
    chainHead,
  };
}
