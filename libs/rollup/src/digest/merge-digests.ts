// Merging stored digests (minute → hour → day, or several rows of one minute)
// in TypeScript: every centroid of every input, in ascending order, packed by
// the same k1 pass as a single digest. Ties are ordered by (mean, weight), and
// centroids equal in both are interchangeable, so the result does not depend
// on the order of the inputs: merge(a, b) and merge(b, a) are the same bits.
import { DEFAULT_COMPRESSION, EMPTY_DIGEST, type CentroidDigest } from './centroid-digest.ts';
import { CentroidPacker } from './compress.ts';

export function mergeDigests(digests: readonly CentroidDigest[], compression: number = DEFAULT_COMPRESSION): CentroidDigest {
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  let n = 0;
  for (const d of digests) {
    if (d.means.length === 0) continue;
    n += d.means.length;
    if (d.min < min) min = d.min;
    if (d.max > max) max = d.max;
    for (const w of d.weights) total += w;
  }
  if (n === 0) return EMPTY_DIGEST;
  const { means, weights } = mergeSortedRuns(digests, n);
  const packer = new CentroidPacker(total, compression);
  for (let i = 0; i < n; i++) packer.push(means[i] as number, weights[i] as number);
  const packed = packer.finish();
  return { means: packed.means, weights: packed.weights, min, max };
}

// Each input is sorted already: copy them side by side into one buffer and
// merge neighbouring runs pass by pass (O(n log k)), between that buffer and
// one scratch buffer. Four typed arrays per call, whatever the number of
// inputs: allocating two per input and per merge was most of the cost when a
// window holds many small minute digests (measured in bench/fleet-endpoint.ts).
function mergeSortedRuns(digests: readonly CentroidDigest[], n: number): { means: Float64Array; weights: Float64Array } {
  let means = new Float64Array(n);
  let weights = new Float64Array(n);
  let outMeans = new Float64Array(n);
  let outWeights = new Float64Array(n);
  const bounds: number[] = [0];
  let at = 0;
  for (const d of digests) {
    if (d.means.length === 0) continue;
    for (let i = 0; i < d.means.length; i++, at++) {
      means[at] = d.means[i] as number;
      weights[at] = d.weights[i] as number;
    }
    bounds.push(at);
  }
  let runs = bounds;
  while (runs.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < runs.length; r += 2) {
      const lo = runs[r] as number;
      const mid = runs[r + 1] as number;
      const hi = r + 2 < runs.length ? (runs[r + 2] as number) : mid;
      mergeInto(means, weights, lo, mid, hi, outMeans, outWeights);
      next.push(hi);
    }
    [means, outMeans] = [outMeans, means];
    [weights, outWeights] = [outWeights, weights];
    runs = next;
  }
  return { means, weights };
}

// Merges [lo, mid) and [mid, hi) of the source into the same range of the
// target, ties by (mean, weight), so the order does not depend on the inputs' order.
function mergeInto(m: Float64Array, w: Float64Array, lo: number, mid: number, hi: number, outM: Float64Array, outW: Float64Array): void {
  let i = lo;
  let j = mid;
  for (let k = lo; k < hi; k++) {
    const takeA = j >= hi || (i < mid && ((m[i] as number) < (m[j] as number) || ((m[i] as number) === (m[j] as number) && (w[i] as number) <= (w[j] as number))));
    if (takeA) {
      outM[k] = m[i] as number;
      outW[k] = w[i] as number;
      i++;
    } else {
      outM[k] = m[j] as number;
      outW[k] = w[j] as number;
      j++;
    }
  }
}
