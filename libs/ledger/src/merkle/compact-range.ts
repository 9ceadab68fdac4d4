// The append-only frontier of the tree ("compact range" [0, size)): the roots
// of the perfect subtrees that size decomposes into, one per set bit, largest
// first. A worker keeps only these O(log n) hashes, appends leaf hashes, and
// can state the root at any size; persisting `state()` with a checkpoint lets
// a restarted worker continue exactly where the signed tree ended.
import { LedgerError } from '../errors.ts';
import { EMPTY_ROOT, HASH_SIZE, nodeHash, type Hash } from '../hashing.ts';
import { half, isOdd, isTreeIndex, popcount } from './tree-math.ts';

/** Told about every perfect node as it is completed: leaves at level 0, then each parent. */
export type NodeVisitor = (level: number, index: number, hash: Hash) => void;

export interface CompactRangeState {
  readonly size: number;
  /** Perfect subtree roots, largest (leftmost) first; popcount(size) of them. */
  readonly hashes: readonly Hash[];
}

export class CompactRange {
  private readonly hashes: Hash[];
  private count: number;

  constructor(state: CompactRangeState = { size: 0, hashes: [] }) {
    if (!isTreeIndex(state.size) || state.hashes.length !== popcount(state.size)) {
      throw new LedgerError('INVALID_ARGUMENT', `a compact range of size ${state.size} has ${popcount(state.size)} hashes`);
    }
    if (state.hashes.some((h) => h.length !== HASH_SIZE)) {
      throw new LedgerError('INVALID_ARGUMENT', `compact range hashes must be ${HASH_SIZE} bytes`);
    }
    this.hashes = [...state.hashes];
    this.count = state.size;
  }

  get size(): number {
    return this.count;
  }

  append(leaf: Hash, visit?: NodeVisitor): void {
    if (leaf.length !== HASH_SIZE) throw new LedgerError('INVALID_ARGUMENT', `leaf hashes are ${HASH_SIZE} bytes`);
    let hash = leaf;
    let index = this.count;
    let level = 0;
    visit?.(level, index, hash);
    // Each trailing 1 bit of the old size is a perfect subtree of the new
    // leaf's height: merge with it, as in binary addition with carries.
    for (let s = this.count; isOdd(s); s = half(s)) {
      hash = nodeHash(this.hashes.pop() as Hash, hash);
      index = half(index);
      level++;
      visit?.(level, index, hash);
    }
    this.hashes.push(hash);
    this.count++;
  }

  /** MTH(D[0:size]): the frontier folded from the right. */
  root(): Hash {
    if (this.hashes.length === 0) return EMPTY_ROOT;
    let hash = this.hashes[this.hashes.length - 1] as Hash;
    for (let i = this.hashes.length - 2; i >= 0; i--) hash = nodeHash(this.hashes[i] as Hash, hash);
    return hash;
  }

  state(): CompactRangeState {
    return { size: this.count, hashes: [...this.hashes] };
  }
}

/** MTH of a list of leaf hashes in O(n) time and O(log n) memory. */
export function merkleRoot(leaves: Iterable<Hash>): Hash {
  const range = new CompactRange();
  for (const leaf of leaves) range.append(leaf);
  return range.root();
}
