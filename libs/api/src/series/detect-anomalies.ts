// Buckets where a tool leaves its own trailing baseline, for error rate and
// p99 latency. The method, robust to the outliers it looks for:
//
// - baseline: the median of the metric over the previous BASELINE_BUCKETS
//   buckets of the same tool that had at least MIN_CALLS calls (so one bad
//   minute does not move it, as it would move a mean);
// - spread: 1.4826 × the median absolute deviation (MAD) of those buckets,
//   a standard deviation for normal noise, with a floor: for the error rate
//   the binomial standard error of the bucket, √(b(1−b)/calls) with b the
//   baseline (not less than one error in the bucket's calls), for p99 5% of
//   the baseline, so a tool whose figures hardly move does not flag every
//   small wobble;
// - score: (observed − baseline) / spread; a bucket with at least MIN_CALLS
//   calls is an anomaly when the score reaches SCORE_THRESHOLD. Only rises
//   count: fewer errors or faster calls are no incident.
// A tool needs MIN_BASELINE_BUCKETS usable buckets before any bucket of it is judged.

export const BASELINE_BUCKETS = 60;
export const MIN_BASELINE_BUCKETS = 15;
export const MIN_CALLS = 20;
export const SCORE_THRESHOLD = 5;
const MAD_TO_SIGMA = 1.4826;
const P99_FLOOR = 0.05;

export const ANOMALY_METHOD =
  `Per tool and bucket: baseline = median of the previous ${BASELINE_BUCKETS} buckets with ≥ ${MIN_CALLS} calls (at least ${MIN_BASELINE_BUCKETS}); ` +
  `spread = max(1.4826 × MAD, floor) with floor √(b(1−b)/calls) for error_rate and 5% of the baseline for p99; ` +
  `score = (observed − baseline) / spread; anomalies score ≥ ${SCORE_THRESHOLD} on buckets with ≥ ${MIN_CALLS} calls.`;

export type AnomalyMetric = 'error_rate' | 'p99';

/** One tool's buckets, ascending, with the figures the detector reads. */
export interface ToolBuckets {
  readonly plugin: string;
  readonly tool: string;
  readonly starts: readonly number[];
  readonly calls: readonly number[];
  readonly errors: readonly number[];
  readonly p99: readonly number[];
}

export interface Anomaly {
  readonly plugin: string;
  readonly tool: string;
  readonly metric: AnomalyMetric;
  readonly bucketStart: number;
  readonly observed: number;
  readonly baseline: number;
  readonly score: number;
  readonly calls: number;
}

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ascending = (a: number, b: number) => a - b;

/** Anomalies of one tool among buckets starting at or after `fromMs` (earlier buckets only feed baselines). */
export function detectAnomalies(t: ToolBuckets, metrics: readonly AnomalyMetric[], fromMs: number): Anomaly[] {
  const out: Anomaly[] = [];
  for (const metric of metrics) {
    const value = (i: number) => (metric === 'error_rate' ? t.errors[i]! / t.calls[i]! : t.p99[i]!);
    // Values of usable buckets so far, oldest first (the trailing window).
    const window: number[] = [];
    for (let i = 0; i < t.starts.length; i++) {
      if (t.calls[i]! < MIN_CALLS) continue;
      const x = value(i);
      if (t.starts[i]! >= fromMs && window.length >= MIN_BASELINE_BUCKETS) {
        const sorted = [...window].sort(ascending);
        const baseline = median(sorted);
        const mad = median(sorted.map((v) => Math.abs(v - baseline)).sort(ascending));
        const floor =
          metric === 'error_rate' ? Math.sqrt((Math.max(baseline, 1 / t.calls[i]!) * (1 - Math.min(baseline, 0.5))) / t.calls[i]!) : P99_FLOOR * baseline;
        const spread = Math.max(MAD_TO_SIGMA * mad, floor);
        const score = spread > 0 ? (x - baseline) / spread : 0;
        if (score >= SCORE_THRESHOLD) {
          out.push({ plugin: t.plugin, tool: t.tool, metric, bucketStart: t.starts[i]!, observed: x, baseline, score, calls: t.calls[i]! });
        }
      }
      window.push(x);
      if (window.length > BASELINE_BUCKETS) window.shift();
    }
  }
  return out;
}
