// Inclusion and consistency proofs served from the stored perfect nodes.
// Which nodes a proof needs depends only on the indices, never on hash
// values, so a first pass with placeholder hashes names them, one query
// fetches them, and a second pass builds the proof.
import { consistencyProof, inclusionProof, subtreeHasherFromNodes, type Hash, type SubtreeHasher } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { nodeKeyString, queryPerfectNodes, type NodeKey } from './merkle-nodes.ts';

const PLACEHOLDER: Hash = new Uint8Array(32);

async function withStoredNodes(store: Store, org: string, build: (mth: SubtreeHasher) => Hash[]): Promise<Hash[]> {
  const needed: NodeKey[] = [];
  build(subtreeHasherFromNodes((level, index) => (needed.push({ level, index }), PLACEHOLDER)));
  const nodes = await queryPerfectNodes(store, org, needed);
  return build(subtreeHasherFromNodes((level, index) => nodes.get(nodeKeyString({ level, index })) as Hash));
}

/** RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves. Throws INVALID_ARGUMENT if out of range. */
export function storedInclusionProof(store: Store, org: string, index: number, size: number): Promise<Hash[]> {
  return withStoredNodes(store, org, (mth) => inclusionProof(index, size, mth));
}

/** RFC 9162 consistency proof between tree sizes `from` ≤ `to`. */
export function storedConsistencyProof(store: Store, org: string, from: number, to: number): Promise<Hash[]> {
  return withStoredNodes(store, org, (mth) => consistencyProof(from, to, mth));
}
