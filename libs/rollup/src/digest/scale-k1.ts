// Dunning's scale function k1 for the merging t-digest:
//   k1(q) = δ / (2π) · asin(2q − 1)
// A centroid may span at most one unit of k, so centroids are small near
// q = 0 and q = 1 (where operators read p99) and wide near the median. k1 is
// fixed and uses only Math.asin / Math.sin, so a digest's bytes depend on its
// input alone.

/**
 * The largest cumulative quantile a centroid that starts at `q0` may reach:
 * k1⁻¹(k1(q0) + 1), or 1 once that passes the top of the scale.
 */
export function k1QuantileLimit(q0: number, compression: number): number {
  const k = (compression / (2 * Math.PI)) * Math.asin(2 * q0 - 1) + 1;
  // k1 ranges over [−δ/4, δ/4]; past δ/4 the inverse (a sine) would fold back.
  if (k >= compression / 4) return 1;
  return (Math.sin((k * 2 * Math.PI) / compression) + 1) / 2;
}
