// Buckets where a tool leaves its own trailing baseline, for error rate and
// p99 latency. The method, robust to the outliers it looks for:
//
// - baseline: the median of the metric over the previous BASELINE_BUCKETS
//   buckets of the same tool that had at least MIN_CALLS calls (so one bad
//   minute does not move it, as it would move a mean);
// - spread: 1.4826 × the median absolute deviation (MAD) of those buckets,
//   a standard deviation for normal noise, with a floor: for the error rate
//   the binomial standard error √(p(1−p)/calls) + 1/calls, p the window's
//   pooled error rate (errors / calls: rare errors leave the median at 0),
//   for p99 the larger of 5% of the baseline and (q90 − median) / 1.2816 of
//   the window, a spread read from its upper tail: p99 is skewed (a minute
//   with two 30 s timeouts among a hundred calls has a p99 of 30 s), and a
//   tool whose own minutes often look like that is judged against them;
// - score: (observed − baseline) / spread; a bucket with at least MIN_CALLS
//   calls is an anomaly when the score reaches SCORE_THRESHOLD and so does
//   an adjacent bucket: an incident lasts, a lone odd minute is no incident.
//   Only rises count: fewer errors or faster calls are no incident.
// A tool needs MIN_BASELINE_BUCKETS usable buckets before any bucket of it is judged.

export const BASELINE_BUCKETS = 60;
export const MIN_BASELINE_BUCKETS = 15;
export const MIN_CALLS = 20;
export const SCORE_THRESHOLD = 5;
const MAD_TO_SIGMA = 1.4826;
const P99_FLOOR = 0.05;
/** The standard normal's 90th percentile: (q90 − median) / Z90 is a standard deviation read from the upper tail. */
const Z90 = 1.2816;

export const ANOMALY_METHOD =
  `Per tool and bucket: baseline = median of the previous ${BASELINE_BUCKETS} buckets with ≥ ${MIN_CALLS} calls (at least ${MIN_BASELINE_BUCKETS}); ` +
  `spread = max(1.4826 × MAD, floor) with floor √(p(1−p)/calls) + 1/calls (p: the window's pooled error rate) for error_rate and max(5% of the baseline, (q90 − median of the window) / 1.2816) for p99; ` +
  `score = (observed − baseline) / spread; an anomaly scores ≥ ${SCORE_THRESHOLD} on a bucket with ≥ ${MIN_CALLS} calls, and so does an adjacent bucket.`;

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
export function detectAnomalies(t: ToolBuckets, metrics: readonly AnomalyMetric[], fromMs: number, stepMs: number): Anomaly[] {
  const out: Anomaly[] = [];
  for (const metric of metrics) {
    const value = (i: number) => (metric === 'error_rate' ? t.errors[i]! / t.calls[i]! : t.p99[i]!);
    // Usable buckets so far, oldest first (the trailing window), and the
    // window's calls and errors for the pooled error rate.
    const window: { x: number; calls: number; errors: number }[] = [];
    let windowCalls = 0;
    let windowErrors = 0;
    // Judged buckets over the threshold, by start; kept when a neighbour is too.
    const over = new Map<number, Anomaly>();
    for (let i = 0; i < t.starts.length; i++) {
      const calls = t.calls[i]!;
      if (calls < MIN_CALLS) continue;
      const x = value(i);
      if (t.starts[i]! >= fromMs && window.length >= MIN_BASELINE_BUCKETS) {
        const sorted = window.map((w) => w.x).sort(ascending);
        const baseline = median(sorted);
        const mad = median(sorted.map((v) => Math.abs(v - baseline)).sort(ascending));
        const pooled = windowErrors / windowCalls;
        const floor =
          metric === 'error_rate'
            ? Math.sqrt((pooled * (1 - pooled)) / calls) + 1 / calls
            : Math.max(P99_FLOOR * baseline, (sorted[Math.floor(0.9 * (sorted.length - 1))]! - baseline) / Z90);
        const spread = Math.max(MAD_TO_SIGMA * mad, floor);
        const score = spread > 0 ? (x - baseline) / spread : 0;
        if (score >= SCORE_THRESHOLD) over.set(t.starts[i]!, { plugin: t.plugin, tool: t.tool, metric, bucketStart: t.starts[i]!, observed: x, baseline, score, calls });
      }
      window.push({ x, calls, errors: t.errors[i]! });
      windowCalls += calls;
      windowErrors += t.errors[i]!;
      if (window.length > BASELINE_BUCKETS) {
        const gone = window.shift()!;
        windowCalls -= gone.calls;
        windowErrors -= gone.errors;
      }
    }
    for (const [start, a] of over) if (over.has(start - stepMs) || over.has(start + stepMs)) out.push(a);
  }
  return out;
}
