// audit_merkle_nodes: the perfect-node hashes each leaf's append completed,
// one row per leaf (nodes[1] is the leaf, nodes[L + 1] the node at level L,
// index seq >> L). Node (level L, index I) lives in the row of the leaf that
// completed it, seq = (I + 1) · 2^L − 1, so a proof is a handful of
// primary-key lookups. Once retention pruned rows [0, S) of an org, their
// node rows are gone too; the nodes a proof can still need there are the
// frontier of [0, S), read from audit_pruned.
import { fromHexStrict, toHex, type Hash } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { StoreError, toStoreError } from '../errors.ts';
import { insertEncodedRows } from './encoded-insert.ts';
import { RowBinaryWriter } from './row-binary.ts';
import { queryPrunedPrefix, type PrunedRecord } from './pruned-prefix-store.ts';

export interface MerkleNodeRow {
  readonly org: string;
  readonly seq: number;
  /** Hashes completed by appending leaf seq, level 0 first. */
  readonly nodes: readonly Hash[];
}

export const MERKLE_NODE_COLUMNS: readonly string[] = ['org', 'seq', 'nodes'];

/** The rows as JSONCompactEachRow lines. */
export function encodeMerkleNodesJson(rows: readonly MerkleNodeRow[]): Buffer {
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    let hashes = '';
    for (let k = 0; k < r.nodes.length; k++) hashes += `${k ? ',' : ''}"${toHex(r.nodes[k]!)}"`;
    lines[i] = `[${JSON.stringify(r.org)},${r.seq},[${hashes}]]\n`;
  }
  return Buffer.from(lines.join(''));
}

/** The rows in RowBinary (row-binary.ts). */
// One writer for the process, grown to the largest chunk once (take() copies the bytes out).
const writer = new RowBinaryWriter();

export function encodeMerkleNodesRowBinary(rows: readonly MerkleNodeRow[], w: RowBinaryWriter = writer): Buffer {
  return w.encode(() => {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      w.string(r.org);
      w.uint64(r.seq);
      w.arrayLength(r.nodes.length);
      for (let k = 0; k < r.nodes.length; k++) w.hex(r.nodes[k]!);
    }
  });
}

export async function insertMerkleNodes(store: Store, rows: readonly MerkleNodeRow[]): Promise<void> {
  if (!rows.length) return;
  try {
    await insertEncodedRows(store, 'audit_merkle_nodes', MERKLE_NODE_COLUMNS, rows, encodeMerkleNodesRowBinary, encodeMerkleNodesJson);
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} audit_merkle_nodes rows`);
  }
}

export interface NodeKey {
  readonly level: number;
  readonly index: number;
}

const nodeSeq = ({ level, index }: NodeKey): number => (index + 1) * 2 ** level - 1;
const keyOf = ({ level, index }: NodeKey): string => `${level}/${index}`;

/** The hashes of the given perfect nodes, keyed `level/index`; throws if one is not stored. */
export async function queryPerfectNodes(store: Store, org: string, keys: readonly NodeKey[]): Promise<Map<string, Hash>> {
  const out = await queryStoredPerfectNodes(store, org, keys);
  for (const key of keys) {
    if (!out.has(keyOf(key))) {
      throw new StoreError('QUERY_FAILED', `Merkle node level ${key.level} index ${key.index} of ${org} is not stored`, false);
    }
  }
  return out;
}

/**
 * The hashes of those of the given perfect nodes that are stored (as 32-byte
 * hashes), keyed `level/index`. A node inside the pruned prefix [0, S) is
 * read from the pruned record, which holds the frontier of [0, S): the only
 * nodes there that proofs of retained rows and verifies from S on need.
 * `known.pruned`: the org's pruned record when the caller has read it already.
 */
export async function queryStoredPerfectNodes(
  store: Store,
  org: string,
  keys: readonly NodeKey[],
  known?: { readonly pruned: PrunedRecord | undefined },
): Promise<Map<string, Hash>> {
  const out = new Map<string, Hash>();
  if (!keys.length) return out;
  const seqs = [...new Set(keys.map(nodeSeq))];
  let rows: { seq_text: string; hashes: string[] }[];
  let pruned: PrunedRecord | undefined;
  try {
    [rows, pruned] = await Promise.all([
      store.client
        .query({
          query: `SELECT toString(seq) AS seq_text, any(nodes) AS hashes FROM audit_merkle_nodes
              WHERE org = {org:String} AND seq IN {seqs:Array(UInt64)} GROUP BY seq`,
          query_params: { org, seqs },
          format: 'JSONEachRow',
        })
        .then((rs) => rs.json<{ seq_text: string; hashes: string[] }>()),
      known ? known.pruned : queryPrunedPrefix(store, org),
    ]);
  } catch (err) {
    throw toStoreError(err, `reading Merkle nodes of ${org}`);
  }
  const bySeq = new Map(rows.map((r) => [Number(r.seq_text), r.hashes]));
  const prunedNodes = new Map<string, Hash>();
  if (pruned) frontierKeys(pruned.size).forEach((k, i) => pruned.frontier[i] && prunedNodes.set(keyOf(k), pruned.frontier[i]));
  for (const key of keys) {
    if (pruned && nodeSeq(key) < pruned.size) {
      // Inside the pruned prefix: only the record's hashes count, whatever node rows a deletion still in progress left.
      const hash = prunedNodes.get(keyOf(key));
      if (hash !== undefined && hash.length === 32) out.set(keyOf(key), hash);
      continue;
    }
    const hex = bySeq.get(nodeSeq(key))?.[key.level];
    const hash = hex === undefined ? undefined : fromHexStrict(hex);
    if (hash !== undefined && hash.length === 32) out.set(keyOf(key), hash);
  }
  return out;
}

export { keyOf as nodeKeyString };

/** The leaf hashes (level 0) stored for seq from ≤ seq < to, by seq. */
export async function queryStoredLeaves(store: Store, org: string, from: number, to: number): Promise<Map<number, string>> {
  try {
    const rs = await store.client.query({
      query: `SELECT toString(seq) AS seq_text, any(nodes[1]) AS leaf FROM audit_merkle_nodes
              WHERE org = {org:String} AND seq >= {from:UInt64} AND seq < {to:UInt64} GROUP BY seq`,
      query_params: { org, from, to },
      format: 'JSONEachRow',
    });
    return new Map((await rs.json<{ seq_text: string; leaf: string }>()).map((r) => [Number(r.seq_text), r.leaf]));
  } catch (err) {
    throw toStoreError(err, `reading leaf hashes of ${org}`);
  }
}

/** The stored node rows for seq from ≤ seq < to: seq → hashes completed by that leaf, level 0 first (lower-case hex). */
export async function queryStoredNodeRows(store: Store, org: string, from: number, to: number): Promise<Map<number, readonly string[]>> {
  try {
    const rs = await store.client.query({
      query: `SELECT toString(seq) AS seq_text, any(nodes) AS hashes FROM audit_merkle_nodes
              WHERE org = {org:String} AND seq >= {from:UInt64} AND seq < {to:UInt64} GROUP BY seq`,
      query_params: { org, from, to },
      format: 'JSONEachRow',
    });
    return new Map((await rs.json<{ seq_text: string; hashes: string[] }>()).map((r) => [Number(r.seq_text), r.hashes]));
  } catch (err) {
    throw toStoreError(err, `reading Merkle nodes of ${org}`);
  }
}

/** The perfect nodes whose roots make up the tree [0, size), largest first (a compact range's frontier). */
export function frontierKeys(size: number): NodeKey[] {
  const keys: NodeKey[] = [];
  let start = 0;
  for (let level = Math.floor(Math.log2(Math.max(size, 1))); level >= 0; level--) {
    const width = 2 ** level;
    if (start + width <= size) {
      keys.push({ level, index: start / width });
      start += width;
    }
  }
  return keys;
}
