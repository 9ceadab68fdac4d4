// The root of a tree from a range of its leaves recomputed by the verifier
// and perfect-node hashes for everything outside the range. If the result is
// a signed root, the range's leaves are exactly the ones the signer committed
// to (changing one would need a SHA-256 collision), whatever the node hashes
// came from — so a range can be checked without reading the rows before it.
import { LedgerError } from '../errors.ts';
import { EMPTY_ROOT, nodeHash, type Hash } from '../hashing.ts';
import { subtreeHasherFromNodes, type PerfectNodeLookup } from './subtree-hasher.ts';
import { splitPoint } from './tree-math.ts';

/** MTH(D[0:size]) with leaves [from, from + leaves.length) given and the rest from `outside`. */
export function rootWithRange(size: number, from: number, leaves: readonly Hash[], outside: PerfectNodeLookup): Hash {
  const to = from + leaves.length;
  if (!(Number.isSafeInteger(from) && from >= 0 && to <= size)) {
    throw new LedgerError('INVALID_ARGUMENT', `leaves [${from}, ${to}) are not inside a tree of size ${size}`);
  }
  const stored = subtreeHasherFromNodes(outside);
  const mth = (start: number, end: number): Hash => {
    if (end <= from || start >= to) return stored(start, end);
    if (end - start === 1) return leaves[start - from] as Hash;
    const k = splitPoint(end - start);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return size === 0 ? EMPTY_ROOT : mth(0, size);
}
