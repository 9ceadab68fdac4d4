// Inclusion proofs, exactly RFC 9162 §2.1.3: generation follows PATH(m, D[n])
// (§2.1.3.1), verification is the algorithm of §2.1.3.2 step by step.
import { bytesEqual } from '../bytes.ts';
import { LedgerError } from '../errors.ts';
import { HASH_SIZE, nodeHash, type Hash } from '../hashing.ts';
import type { SubtreeHasher } from './subtree-hasher.ts';
import { half, isOdd, isTreeIndex, splitPoint } from './tree-math.ts';

/** The audit path of leaf `index` in the tree of `size` leaves, leaf side first. */
export function inclusionProof(index: number, size: number, mth: SubtreeHasher): Hash[] {
  if (!isTreeIndex(index) || !isTreeIndex(size) || index >= size) {
    throw new LedgerError('INVALID_ARGUMENT', `no leaf ${index} in a tree of size ${size}`);
  }
  // PATH(m, D[n]) recurses into the half holding m and appends the other
  // half's hash; walking down and reversing gives the same order.
  const siblings: Hash[] = [];
  let start = 0;
  let end = size;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      siblings.push(mth(start + k, end));
      end = start + k;
    } else {
      siblings.push(mth(start, start + k));
      start += k;
      m -= k;
    }
  }
  return siblings.reverse();
}

/** The root the proof leads to, or undefined if the proof cannot be for this index and size. */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
): Hash | undefined {
  if (!isTreeIndex(index) || !isTreeIndex(size) || index >= size) return undefined;
  if (leaf.length !== HASH_SIZE || proof.some((p) => p.length !== HASH_SIZE)) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : undefined;
}

export function verifyInclusion(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  return computed !== undefined && bytesEqual(computed, root);
}
