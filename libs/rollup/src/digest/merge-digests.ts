// Merging stored digests (minute → hour → day, or several rows of one minute)
// in TypeScript: every centroid of every input, in ascending order, packed by
// the same k1 pass as a single digest. Ties are ordered by (mean, weight), and
// centroids equal in both are interchangeable, so the result does not depend
// on the order of the inputs: merge(a, b) and merge(b, a) are the same bits.
import { DEFAULT_COMPRESSION, EMPTY_DIGEST, type CentroidDigest } from './centroid-digest.ts';
import { CentroidPacker } from './compress.ts';

interface Run {
  means: Float64Array;
  weights: Float64Array;
}

export function mergeDigests(digests: readonly CentroidDigest[], compression: number = DEFAULT_COMPRESSION): CentroidDigest {
  let runs: Run[] = [];
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  for (const d of digests) {
    if (d.means.length === 0) continue;
    runs.push({ means: Float64Array.from(d.means), weights: Float64Array.from(d.weights) });
    if (d.min < min) min = d.min;
    if (d.max > max) max = d.max;
    for (const w of d.weights) total += w;
  }
  if (runs.length === 0) return EMPTY_DIGEST;
  // Each input is sorted already: merge runs pairwise (O(n log k)) instead of
  // sorting everything again.
  while (runs.length > 1) {
    const next: Run[] = [];
    for (let i = 0; i < runs.length; i += 2) {
      const b = runs[i + 1];
      next.push(b === undefined ? (runs[i] as Run) : mergeRuns(runs[i] as Run, b));
    }
    runs = next;
  }
  const all = runs[0] as Run;
  const packer = new CentroidPacker(total, compression);
  for (let i = 0; i < all.means.length; i++) packer.push(all.means[i] as number, all.weights[i] as number);
  const { means, weights } = packer.finish();
  return { means, weights, min, max };
}

function mergeRuns(a: Run, b: Run): Run {
  const n = a.means.length + b.means.length;
  const means = new Float64Array(n);
  const weights = new Float64Array(n);
  let i = 0;
  let j = 0;
  for (let k = 0; k < n; k++) {
    const takeA =
      j >= b.means.length ||
      (i < a.means.length &&
        ((a.means[i] as number) < (b.means[j] as number) ||
          ((a.means[i] as number) === (b.means[j] as number) && (a.weights[i] as number) <= (b.weights[j] as number))));
    if (takeA) {
      means[k] = a.means[i] as number;
      weights[k] = a.weights[i] as number;
      i++;
    } else {
      means[k] = b.means[j] as number;
      weights[k] = b.weights[j] as number;
      j++;
    }
  }
  return { means, weights };
}
