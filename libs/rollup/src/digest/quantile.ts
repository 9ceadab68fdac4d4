// Quantiles from a stored digest, interpolating between centroid centres the
// way Dunning's MergingDigest does: a unit-weight centroid is a single known
// value (no interpolation inside it), and the exact min and max anchor the
// tails, so p0 and p1 are exact and small digests answer exactly.
import type { CentroidDigest } from './centroid-digest.ts';

/** The value at quantile `q` (0..1); NaN for an empty digest. */
export function digestQuantile(d: CentroidDigest, q: number): number {
  const { means, weights } = d;
  const n = means.length;
  if (n === 0) return NaN;
  // Digests read back without extremes (e.g. from SQL arrays) fall back to the outer means.
  const min = Number.isNaN(d.min) ? (means[0] as number) : d.min;
  const max = Number.isNaN(d.max) ? (means[n - 1] as number) : d.max;
  let total = 0;
  for (const w of weights) total += w;
  const index = q * total;
  if (index < 1) return min;
  const w0 = weights[0] as number;
  // The first centroid holds min as one of its points: interpolate from min to its mean.
  if (w0 > 1 && index < w0 / 2) return min + ((index - 1) / (w0 / 2 - 1)) * ((means[0] as number) - min);
  if (index > total - 1) return max;
  const wn = weights[n - 1] as number;
  if (wn > 1 && total - index <= wn / 2) return max - ((total - index - 1) / (wn / 2 - 1)) * (max - (means[n - 1] as number));

  let weightSoFar = w0 / 2;
  for (let i = 0; i < n - 1; i++) {
    const wl = weights[i] as number;
    const wr = weights[i + 1] as number;
    const dw = (wl + wr) / 2;
    if (weightSoFar + dw > index) {
      let leftUnit = 0;
      if (wl === 1) {
        if (index - weightSoFar < 0.5) return means[i] as number;
        leftUnit = 0.5;
      }
      let rightUnit = 0;
      if (wr === 1) {
        if (weightSoFar + dw - index <= 0.5) return means[i + 1] as number;
        rightUnit = 0.5;
      }
      const z1 = index - weightSoFar - leftUnit;
      const z2 = weightSoFar + dw - index - rightUnit;
      return weightedAverage(means[i] as number, z2, means[i + 1] as number, z1);
    }
    weightSoFar += dw;
  }
  // Between the last centroid's centre and max.
  const z1 = index - total + wn / 2;
  const z2 = wn / 2 - z1;
  return weightedAverage(means[n - 1] as number, z2, max, z1);
}

/** Several quantiles of one digest. */
export function digestQuantiles(d: CentroidDigest, qs: readonly number[]): number[] {
  return qs.map((q) => digestQuantile(d, q));
}

// Linear interpolation, clamped to [x1, x2] against rounding.
function weightedAverage(x1: number, w1: number, x2: number, w2: number): number {
  const lo = Math.min(x1, x2);
  const hi = Math.max(x1, x2);
  const x = (x1 * w1 + x2 * w2) / (w1 + w2);
  return x < lo ? lo : x > hi ? hi : x;
}
