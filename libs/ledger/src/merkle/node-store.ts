// Perfect node hashes kept per level in contiguous buffers (32 bytes per node,
// no per-hash objects), fed by CompactRange's visitor. It serves inclusion and
// consistency proofs for any size up to the current one: every node a proof
// names is either perfect (stored) or on the right edge, which
// subtreeHasherFromNodes rebuilds from perfect nodes. The ledger's storage can
// hold the same (level, index) → hash table in ClickHouse; this in-memory form
// is for tests, tools and benchmarks.
import { LedgerError } from '../errors.ts';
import { HASH_SIZE, type Hash } from '../hashing.ts';
import { subtreeHasherFromNodes, type SubtreeHasher } from './subtree-hasher.ts';

export class InMemoryNodeStore {
  private readonly levels: Buffer[] = [];
  private readonly counts: number[] = [];

  /** A NodeVisitor: nodes of a level must arrive in index order, as CompactRange emits them. */
  readonly put = (level: number, index: number, hash: Hash): void => {
    while (this.levels.length <= level) {
      this.levels.push(Buffer.alloc(HASH_SIZE * 1024));
      this.counts.push(0);
    }
    if (index !== this.counts[level]) {
      throw new LedgerError('INVALID_ARGUMENT', `node (${level}, ${index}) out of order; expected index ${this.counts[level]}`);
    }
    let buf = this.levels[level] as Buffer;
    if ((index + 1) * HASH_SIZE > buf.length) {
      const grown = Buffer.alloc(buf.length * 2);
      buf.copy(grown);
      this.levels[level] = buf = grown;
    }
    buf.set(hash, index * HASH_SIZE);
    this.counts[level] = index + 1;
  };

  get(level: number, index: number): Hash {
    if (index >= (this.counts[level] ?? 0)) {
      throw new LedgerError('INVALID_ARGUMENT', `node (${level}, ${index}) is not stored`);
    }
    const buf = this.levels[level] as Buffer;
    return buf.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  /** Number of leaves stored. */
  get size(): number {
    return this.counts[0] ?? 0;
  }

  subtreeHasher(): SubtreeHasher {
    return subtreeHasherFromNodes((level, index) => this.get(level, index));
  }
}
