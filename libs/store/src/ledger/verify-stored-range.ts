// On-demand verification of a range of an org's stored ledger (the API's
// verify endpoint): the rows from_seq..to_seq are recomputed and, together
// with the stored Merkle nodes outside the range, must reproduce the root of
// the smallest signed checkpoint that covers them, signed by a key of the
// keyring valid at its event time. Stored node hashes are not trusted: a
// tampered node cannot reproduce a signed root. The stored leaf hashes only
// help name which seq was edited.
import {
  LedgerError,
  checkpointOrigin,
  openCheckpoint,
  rootWithRange,
  rowLeafHash,
  toHex,
  bytesEqual,
  type Hash,
  type Keyring,
  type LedgerErrorCode,
} from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import type { CheckpointRecord } from './ledger-checkpoints.ts';
import { nodeKeyString, queryPerfectNodes, queryStoredLeaves, type NodeKey } from './merkle-nodes.ts';
import { queryLedgerRows } from './ledger-rows.ts';

export interface RangeVerdict {
  readonly verified: boolean;
  /** Key names whose signatures on the checkpoint verified. */
  readonly signedBy: readonly string[];
  readonly error?: { readonly code: LedgerErrorCode; readonly message: string; readonly seq?: number; readonly treeSize?: number };
}

const PLACEHOLDER: Hash = new Uint8Array(32);

function fail(code: LedgerErrorCode, message: string, at: { seq?: number; treeSize?: number } = {}): RangeVerdict {
  return { verified: false, signedBy: [], error: { code, message, ...at } };
}

export async function verifyStoredRange(
  store: Store,
  q: { readonly org: string; readonly fromSeq: number; readonly toSeq: number; readonly checkpoint: CheckpointRecord; readonly keyring: Keyring },
): Promise<RangeVerdict> {
  const { org, fromSeq, toSeq, checkpoint } = q;
  let signedBy: string[];
  let root: Hash;
  try {
    const opened = openCheckpoint(checkpoint.note, q.keyring, checkpointOrigin(org));
    signedBy = opened.signedBy.map((e) => e.key.name);
    root = opened.checkpoint.root;
    if (opened.checkpoint.size !== checkpoint.treeSize) {
      return fail('CHECKPOINT_MISMATCH', `the stored checkpoint row says size ${checkpoint.treeSize}, its signed note ${opened.checkpoint.size}`, { treeSize: checkpoint.treeSize });
    }
  } catch (e) {
    if (!(e instanceof LedgerError)) throw e;
    return fail(e.code, e.message, { treeSize: checkpoint.treeSize });
  }

  const rows = await queryLedgerRows(store, { org, fromSeq, toSeq: toSeq + 1 });
  const leaves: Hash[] = [];
  let expected = fromSeq;
  for (const r of rows) {
    const seq = Number(r.row.seq);
    if (r.row.org !== org) return fail('FOREIGN_ROW', `the row at seq ${seq} belongs to ${r.row.org}`, { seq });
    if (seq < expected) return fail('ROW_INSERTED', `seq ${seq} appears twice`, { seq });
    if (seq > expected) return fail('ROW_DELETED', `seq ${expected} is missing`, { seq: expected });
    try {
      leaves.push(rowLeafHash(r.row));
    } catch (e) {
      return fail('ROW_EDITED', `the row at seq ${seq} cannot be encoded: ${(e as Error).message}`, { seq });
    }
    expected++;
  }
  if (expected <= toSeq) return fail('ROW_DELETED', `seq ${expected} is missing`, { seq: expected });

  // Name the first row that no longer hashes to the leaf appended at its seq.
  const storedLeaves = await queryStoredLeaves(store, org, fromSeq, toSeq + 1);
  for (let i = 0; i < leaves.length; i++) {
    const stored = storedLeaves.get(fromSeq + i);
    if (stored !== undefined && stored !== toHex(leaves[i] as Hash)) {
      return fail('ROW_EDITED', `the row at seq ${fromSeq + i} does not hash to the leaf appended there`, { seq: fromSeq + i });
    }
  }

  const needed: NodeKey[] = [];
  rootWithRange(checkpoint.treeSize, fromSeq, leaves, (level, index) => (needed.push({ level, index }), PLACEHOLDER));
  let nodes: Map<string, Hash>;
  try {
    nodes = await queryPerfectNodes(store, org, needed);
  } catch (e) {
    return fail('ROW_DELETED', `Merkle nodes outside the range are missing: ${(e as Error).message}`, { treeSize: checkpoint.treeSize });
  }
  const computed = rootWithRange(checkpoint.treeSize, fromSeq, leaves, (level, index) => nodes.get(nodeKeyString({ level, index })) as Hash);
  if (!bytesEqual(computed, root)) {
    return fail('ROW_EDITED', `the rows and stored nodes do not reproduce the signed root of size ${checkpoint.treeSize}`, { treeSize: checkpoint.treeSize });
  }
  return { verified: true, signedBy };
}
