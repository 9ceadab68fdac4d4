// On-demand verification of a range of an org's stored ledger (the API's
// verify endpoint). The range is widened to signed tree sizes at both ends:
// from the largest checkpoint at or below from_seq (or 0) to the smallest
// checkpoint covering to_seq. The tree before the start comes from the
// stored Merkle nodes, which must reproduce the signed root there; then the
// rows are walked by libs/ledger's verifier exactly as `mcpg verify` walks an
// export, against every checkpoint in between, and the stored nodes the rows
// complete are compared last. A failure names the table that broke:
// audit_log (rows), audit_merkle_nodes (nodes), audit_checkpoints, or
// audit_pruned when the range starts at the pruned size and the kept hashes
// of the pruned prefix do not reproduce the signed root there.
import {
  LEDGER_ERROR_PART,
  LedgerError,
  fromHexStrict,
  parseCheckpoint,
  parseNote,
  verifyLedgerRange,
  type Keyring,
  type LedgerErrorCode,
  type LedgerPart,
} from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { queryCheckpointCovering, queryCheckpoints, queryCheckpointsBetween, type CheckpointRecord } from './ledger-checkpoints.ts';
import { frontierKeys, nodeKeyString, queryStoredNodeRows, queryStoredPerfectNodes } from './merkle-nodes.ts';
import { queryLedgerRows } from './ledger-rows.ts';
import { queryPrunedPrefix } from './ledger-pruning.ts';

export type LedgerTable = 'audit_log' | 'audit_merkle_nodes' | 'audit_checkpoints' | 'audit_pruned';

const TABLE_OF: Readonly<Record<LedgerPart, LedgerTable | undefined>> = {
  rows: 'audit_log',
  nodes: 'audit_merkle_nodes',
  checkpoints: 'audit_checkpoints',
  input: undefined,
};

export interface RangeVerdict {
  readonly verified: boolean;
  /** Key names whose signatures on the checked checkpoints verified. */
  readonly signedBy: readonly string[];
  /** What was checked: rows fromSeq..toSeq (widened to signed sizes) against the checkpoints of these sizes. */
  readonly checked: { readonly fromSeq: number; readonly toSeq: number; readonly checkpoints: readonly number[] };
  /** The largest checkpoint checked (the one covering the range). */
  readonly checkpoint: CheckpointRecord;
  readonly error?: {
    readonly code: LedgerErrorCode;
    readonly message: string;
    readonly seq?: number;
    readonly treeSize?: number;
    /** The table the break is in. */
    readonly table?: LedgerTable;
  };
}

function errorOf(e: LedgerError): NonNullable<RangeVerdict['error']> {
  const table = TABLE_OF[LEDGER_ERROR_PART[e.code]];
  return {
    code: e.code,
    message: e.message,
    ...(e.seq === undefined ? {} : { seq: Number(e.seq) }),
    ...(e.treeSize === undefined ? {} : { treeSize: e.treeSize }),
    ...(table === undefined ? {} : { table }),
  };
}

/** The checkpoint-aligned stretch a verify of fromSeq..toSeq reads: [start, cover.treeSize). */
export async function planStoredRange(
  store: Store,
  org: string,
  fromSeq: number,
  toSeq: number,
): Promise<{ start: number; cover: CheckpointRecord; prunedBefore: number | null } | undefined> {
  // Rows pruned by retention are gone for good: a range reaching into them starts
  // at the pruned size (a signed size whose root the kept hashes reproduce).
  const pruned = (await queryPrunedPrefix(store, org))?.size ?? 0;
  const [below] = await queryCheckpoints(store, { org, limit: 1, beforeSize: fromSeq + 1 });
  const cover = await queryCheckpointCovering(store, org, Math.max(toSeq + 1, pruned + 1));
  const start = Math.max(below?.treeSize ?? 0, pruned);
  return cover ? { start, cover, prunedBefore: fromSeq < pruned ? pruned : null } : undefined;
}

export async function verifyStoredRange(
  store: Store,
  q: { readonly org: string; readonly start: number; readonly cover: CheckpointRecord; readonly keyring: Keyring },
): Promise<RangeVerdict> {
  const { org, start, cover } = q;
  const end = cover.treeSize;
  const records = await queryCheckpointsBetween(store, org, start, end);
  const base = { signedBy: [] as string[], checked: { fromSeq: start, toSeq: end - 1, checkpoints: records.map((r) => r.treeSize) }, checkpoint: cover };
  // The columns are a convenience; the notes are what is verified. A size
  // column that disagrees with its note would point the range at the wrong rows.
  for (const r of records) {
    let signedSize: number;
    try {
      signedSize = parseCheckpoint(parseNote(r.note).text).size;
    } catch (e) {
      if (e instanceof LedgerError) return { ...base, verified: false, error: errorOf(new LedgerError(e.code, e.message, { treeSize: r.treeSize })) };
      throw e;
    }
    if (signedSize !== r.treeSize) {
      const e = new LedgerError('CHECKPOINT_MISMATCH', `the stored checkpoint row says size ${r.treeSize}, its signed note ${signedSize}`, { treeSize: r.treeSize });
      return { ...base, verified: false, error: errorOf(e) };
    }
  }

  // A missing node leaves the frontier short: the ledger verifier names it (NODE_EDITED).
  // At the pruned size the frontier is the pruned record's (merkle-nodes.ts).
  const keys = frontierKeys(start);
  const pruned = await queryPrunedPrefix(store, org);
  const stored = await queryStoredPerfectNodes(store, org, keys, { pruned });
  const frontier = keys.flatMap((k) => stored.get(nodeKeyString(k)) ?? []);
  const [rows, nodeRows] = await Promise.all([queryLedgerRows(store, { org, fromSeq: start, toSeq: end }), queryStoredNodeRows(store, org, start, end)]);
  const result = verifyLedgerRange({
    org,
    start,
    frontier,
    rows,
    checkpoints: records.map((r) => r.note),
    keyring: q.keyring,
    storedNode: (seq, level) => {
      const hex = nodeRows.get(Number(seq))?.[level];
      return hex === undefined ? undefined : fromHexStrict(hex);
    },
  });
  const checked = { fromSeq: start, toSeq: end - 1, checkpoints: result.checkpoints.length ? result.checkpoints : base.checked.checkpoints };
  if (result.ok) return { verified: true, signedBy: result.signedBy, checked, checkpoint: cover };
  const error = errorOf(result.error);
  const inPrunedHashes = error.code === 'NODE_EDITED' && start > 0 && start === pruned?.size && error.treeSize === start;
  return { verified: false, signedBy: result.signedBy, checked, checkpoint: cover, error: inPrunedHashes ? { ...error, table: 'audit_pruned' } : error };
}
