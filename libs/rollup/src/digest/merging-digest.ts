// A merging t-digest (Dunning & Ertl, "Computing extremely accurate quantiles
// using t-digests", the MergingDigest variant) with the k1 scale function.
//
// Why not the `tdigest` package: its compress() re-inserts centroids in
// Math.random() order (pop_random), so the same events give different
// centroids from run to run, and a replay of the log would not rebuild
// byte-identical rollups (DESIGN.md §2). It also holds up to K/δ = 2,500
// centroids between compressions and merges digests by re-inserting every
// centroid into a red-black tree. Here all state changes happen at points
// fixed by the input (the buffer fills after a fixed count), sorting is
// numeric, and merging is one sorted pass: same values in the same order →
// same bits. bench/fold.ts measures both.
import { DEFAULT_COMPRESSION, EMPTY_DIGEST, type CentroidDigest } from './centroid-digest.ts';
import { CentroidPacker } from './compress.ts';

// Shared scratch for sorting a buffer: numeric typed-array sort is several
// times faster than Array#sort with a comparator. Safe to share: the sort and
// the merge that reads it run to completion without yielding.
let scratch = new Float64Array(1024);

export class MergingDigest {
  readonly compression: number;
  readonly #bufferLimit: number;
  #means: readonly number[] = [];
  #weights: readonly number[] = [];
  #mergedWeight = 0;
  // Unit-weight values not merged yet. Only the multiset matters (they are
  // sorted before merging), so the merged result is independent of how the
  // buffer happened to be ordered.
  #buffer: number[] = [];
  #min = Infinity;
  #max = -Infinity;

  /**
   * `bufferLimit` values are collected before each merge (Dunning suggests a
   * few times δ). It shapes the result, so it is fixed per digest type: two
   * folds of the same values agree only if they use the same limit.
   */
  constructor(compression: number = DEFAULT_COMPRESSION, bufferLimit: number = 5 * compression) {
    this.compression = compression;
    this.#bufferLimit = bufferLimit;
  }

  get count(): number {
    return this.#mergedWeight + this.#buffer.length;
  }

  /** Adds one value. Not NaN (the fold validates durations before they get here). */
  add(x: number): void {
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
    this.#buffer.push(x);
    if (this.#buffer.length >= this.#bufferLimit) {
      const merged = this.#merge();
      this.#means = merged.means;
      this.#weights = merged.weights;
      this.#mergedWeight += this.#buffer.length;
      this.#buffer = [];
    }
  }

  /**
   * The digest as stored, without changing this one's state: a snapshot
   * taken after any prefix of the input does not alter what later snapshots
   * return, so rows written per batch do not depend on where batches ended.
   */
  snapshot(): CentroidDigest {
    if (this.count === 0) return EMPTY_DIGEST;
    const { means, weights } = this.#buffer.length === 0 ? { means: [...this.#means], weights: [...this.#weights] } : this.#merge();
    return { means, weights, min: this.#min, max: this.#max };
  }

  // Sorted buffer merged with the centroids into a fresh set of centroids.
  #merge(): { means: number[]; weights: number[] } {
    const n = this.#buffer.length;
    if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
    const sorted = scratch.subarray(0, n);
    for (let i = 0; i < n; i++) sorted[i] = this.#buffer[i] as number;
    sorted.sort();
    const means = this.#means;
    const weights = this.#weights;
    const packer = new CentroidPacker(this.#mergedWeight + n, this.compression);
    let i = 0;
    let j = 0;
    // Ties go to the existing centroid first: a fixed rule, so the order is a
    // function of the values alone.
    while (i < means.length || j < n) {
      if (j >= n || (i < means.length && (means[i] as number) <= (sorted[j] as number))) {
        packer.push(means[i] as number, weights[i] as number);
        i++;
      } else {
        packer.push(sorted[j] as number, 1);
        j++;
      }
    }
    return packer.finish();
  }
}
