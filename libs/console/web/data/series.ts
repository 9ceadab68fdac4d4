// Series, anomalies, samples and call traces from the drill-down routes
// (GET /v1/orgs/{org}/series, /anomalies, /invocations, /invocations/{id}).
// Series arrive columnar (t in epoch seconds, one array per metric), the shape
// uPlot draws, so charts take them as they are.
import type uPlot from 'uplot';
import type { Params } from '../lib/api.ts';
import { api } from '../lib/session.ts';

export type Metric = 'calls' | 'errors' | 'error_rate' | 'p50' | 'p90' | 'p95' | 'p99' | 'tokens_in' | 'tokens_out' | 'lag_p50' | 'lag_p99';
export type Column = readonly (number | null)[];

export interface SeriesGroup {
  readonly key: Readonly<Record<string, string>>;
  readonly label: string;
  readonly metrics: Partial<Record<Metric, Column>>;
}

export interface Series {
  readonly from: number;
  readonly to: number;
  readonly step: string;
  readonly step_ms: number;
  readonly tier: string;
  readonly t: readonly number[];
  readonly groups: readonly SeriesGroup[];
  readonly truncated_before: number | null;
}

export interface Anomaly {
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  readonly metric: 'error_rate' | 'p99';
  readonly bucket_start: number;
  readonly bucket_end: number;
  readonly observed: number;
  readonly baseline: number;
  readonly score: number;
  readonly calls: number;
}

export interface Filters {
  readonly workspace?: string;
  readonly plugin?: string;
  readonly tool?: string;
  readonly outcome?: string;
}

const orgPath = (org: string, rest: string) => `/v1/orgs/${encodeURIComponent(org)}/${rest}`;

export function fetchSeries(org: string, q: { from: number; to: number; groupBy: string; metrics: readonly Metric[]; top?: number } & Filters, signal: AbortSignal): Promise<Series> {
  const { from, to, groupBy, metrics, top, ...filters } = q;
  return api.get<Series>(orgPath(org, 'series'), { from, to, group_by: groupBy, metrics: metrics.join(','), top, ...filters } as Params, signal);
}

export function fetchAnomalies(org: string, q: { from: number; to: number } & Filters, signal: AbortSignal): Promise<{ method: string; step: string; items: Anomaly[] }> {
  const { outcome: _ignored, ...rest } = q;
  return api.get(orgPath(org, 'anomalies'), rest as Params, signal);
}

/** Sum of a column (nulls are empty buckets). */
export const sum = (c: Column | undefined): number => (c ?? []).reduce<number>((s, v) => s + (v ?? 0), 0);

/** The highest value of a column, or null when it has none. */
export const peak = (c: Column | undefined): number | null => (c ?? []).reduce<number | null>((m, v) => (v !== null && (m === null || v > m) ? v : m), null);

/** The last bucket that has a value: [value, index]. */
export function latest(c: Column | undefined): [number | null, number] {
  const col = c ?? [];
  for (let i = col.length - 1; i >= 0; i--) if (col[i] !== null && col[i] !== undefined) return [col[i]!, i];
  return [null, -1];
}

/** uPlot's columnar data: the bucket times, then the named metrics of one group. */
export function columns(s: Series, g: SeriesGroup | undefined, metrics: readonly Metric[]): uPlot.AlignedData {
  return [s.t as number[], ...metrics.map((m) => (g?.metrics[m] ?? s.t.map(() => null)) as (number | null)[])];
}

/** The bucket of a time (epoch seconds) in a series, or -1. */
export const bucketIndex = (s: Series, startMs: number): number => s.t.indexOf(Math.floor(startMs / 1000));
