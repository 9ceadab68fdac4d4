// Consistency proofs, exactly RFC 9162 §2.1.4: generation follows
// PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (§2.1.4.1), verification is the
// algorithm of §2.1.4.2. Sizes 0 and m = n have the empty proof.
import { bytesEqual } from '../bytes.ts';
import { LedgerError } from '../errors.ts';
import { HASH_SIZE, nodeHash, type Hash } from '../hashing.ts';
import type { SubtreeHasher } from './subtree-hasher.ts';
import { half, isOdd, isPowerOfTwo, isTreeIndex, splitPoint } from './tree-math.ts';

export function consistencyProof(size1: number, size2: number, mth: SubtreeHasher): Hash[] {
  if (!isTreeIndex(size1) || !isTreeIndex(size2) || size1 > size2) {
    throw new LedgerError('INVALID_ARGUMENT', `no consistency proof from size ${size1} to ${size2}`);
  }
  if (size1 === 0 || size1 === size2) return [];
  // SUBPROOF appends one hash per level on the way down; `whole` is its b flag.
  const out: Hash[] = [];
  let start = 0;
  let end = size2;
  let m = size1;
  let whole = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      out.push(mth(start + k, end));
      end = start + k;
    } else {
      out.push(mth(start, start + k));
      start += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) out.push(mth(start, end));
  return out.reverse();
}

export function verifyConsistency(
  size1: number,
  size2: number,
  root1: Hash,
  root2: Hash,
  proof: readonly Hash[],
): boolean {
  if (!isTreeIndex(size1) || !isTreeIndex(size2) || size1 > size2) return false;
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE) return false;
  if (proof.some((p) => p.length !== HASH_SIZE)) return false;
  if (size1 === size2) return proof.length === 0 && bytesEqual(root1, root2);
  if (size1 === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  // Step 1: a power-of-two first tree is itself a node of the second tree.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Hash;
  let sr = path[0] as Hash;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Hash;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && bytesEqual(fr, root1) && bytesEqual(sr, root2);
}
