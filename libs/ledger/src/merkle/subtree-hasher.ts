// Proof generation needs MTH(D[start:end]) of the subtrees the RFC 9162
// algorithms name. Where those hashes come from is the caller's business:
// all leaves in memory (tests, small trees), or perfect-subtree node hashes
// stored as the tree grew (the ledger at scale; see node-store.ts).
import { LedgerError } from '../errors.ts';
import { EMPTY_ROOT, nodeHash, type Hash } from '../hashing.ts';
import { splitPoint } from './tree-math.ts';

/** Returns MTH(D[start:end]) for a subtree that an RFC 9162 proof can name. */
export type SubtreeHasher = (start: number, end: number) => Hash;

/** Hash of the perfect subtree holding leaves [index·2^level, (index+1)·2^level). */
export type PerfectNodeLookup = (level: number, index: number) => Hash;

/** RFC 9162 §2.1.1 MTH over leaf hashes, recursively: O(end - start) hashes per call. */
export function subtreeHasherFromLeaves(leaves: readonly Hash[]): SubtreeHasher {
  const mth = (start: number, end: number): Hash => {
    const n = end - start;
    if (n === 0) return EMPTY_ROOT;
    if (n === 1) return leaves[start] as Hash;
    const k = splitPoint(n);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return (start, end) => {
    if (!(start >= 0 && start <= end && end <= leaves.length)) {
      throw new LedgerError('INVALID_ARGUMENT', `range [${start}, ${end}) is outside ${leaves.length} leaves`);
    }
    return mth(start, end);
  };
}

/**
 * MTH of a proof subtree from stored perfect nodes: [start, end) splits into
 * aligned perfect subtrees of decreasing size, and because MTH always splits
 * at the largest power of two, folding them from the right gives its hash.
 * O(log n) lookups and hashes.
 */
export function subtreeHasherFromNodes(lookup: PerfectNodeLookup): SubtreeHasher {
  return (start, end) => {
    if (start === end) return EMPTY_ROOT;
    let span = 1;
    while (span < end - start) span *= 2;
    if (!(start >= 0 && start % span === 0)) {
      throw new LedgerError('INVALID_ARGUMENT', `[${start}, ${end}) is not a subtree of an RFC 9162 tree`);
    }
    const parts: Hash[] = [];
    let at = start;
    while (at < end) {
      let size = 1;
      let level = 0;
      while (at % (size * 2) === 0 && at + size * 2 <= end) {
        size *= 2;
        level++;
      }
      parts.push(lookup(level, at / size));
      at += size;
    }
    let hash = parts[parts.length - 1] as Hash;
    for (let i = parts.length - 2; i >= 0; i--) hash = nodeHash(parts[i] as Hash, hash);
    return hash;
  };
}
