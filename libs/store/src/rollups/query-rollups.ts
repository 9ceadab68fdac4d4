// Reads for the fleet endpoint: lifetime counters per label set from the day
// totals (tool_totals_1d, no TTL), and the latency digests of a trailing
// window from the per-minute rollups (tool_rollups_1m).
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

export interface ToolTotals {
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  readonly calls: number;
  readonly errors: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  /** Σ call durations in microseconds, lifetime. */
  readonly durationUsSum: number;
}

export interface WindowDigest {
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  /** One centroid list per stored row; the caller merges them. */
  readonly digests: readonly { readonly means: readonly number[]; readonly weights: readonly number[]; readonly min: number; readonly max: number }[];
}

const TOTALS_SQL = `
SELECT workspace, plugin, tool,
       sum(calls) AS calls, sum(errors) AS errors, sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out,
       sum(duration_us_sum) AS duration_us_sum
FROM tool_totals_1d FINAL
WHERE org = {org:String}
GROUP BY workspace, plugin, tool
ORDER BY workspace, plugin, tool`;

// Centroids of every row in the window, grouped per label set; merged in
// TypeScript with the same digest code that folded them.
const WINDOW_SQL = `
SELECT workspace, plugin, tool,
       groupArray(latency_means) AS means, groupArray(latency_weights) AS weights,
       groupArray(latency_min_ms) AS mins, groupArray(latency_max_ms) AS maxs
FROM tool_rollups_1m FINAL
WHERE org = {org:String} AND minute >= toDateTime({from:UInt32}, 'UTC')
GROUP BY workspace, plugin, tool
ORDER BY workspace, plugin, tool`;

type Num = string | number;

export async function queryToolTotals(store: Store, filter: { readonly org: string }): Promise<ToolTotals[]> {
  try {
    const rs = await store.client.query({ query: TOTALS_SQL, query_params: { org: filter.org }, format: 'JSONEachRow' });
    const rows = await rs.json<{ workspace: string; plugin: string; tool: string; calls: Num; errors: Num; tokens_in: Num; tokens_out: Num; duration_us_sum: Num }>();
    return rows.map((r) => ({
      workspace: r.workspace,
      plugin: r.plugin,
      tool: r.tool,
      calls: Number(r.calls),
      errors: Number(r.errors),
      tokensIn: Number(r.tokens_in),
      tokensOut: Number(r.tokens_out),
      durationUsSum: Number(r.duration_us_sum),
    }));
  } catch (err) {
    throw toStoreError(err, 'querying tool totals');
  }
}

/** Digests of the minutes from `fromMs` (epoch ms, rounded down to the minute) on. */
export async function queryWindowDigests(store: Store, filter: { readonly org: string; readonly fromMs: number }): Promise<WindowDigest[]> {
  try {
    const rs = await store.client.query({
      query: WINDOW_SQL,
      query_params: { org: filter.org, from: Math.floor(filter.fromMs / 60_000) * 60 },
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ workspace: string; plugin: string; tool: string; means: number[][]; weights: Num[][]; mins: number[]; maxs: number[] }>();
    return rows.map((r) => ({
      workspace: r.workspace,
      plugin: r.plugin,
      tool: r.tool,
      digests: r.means.map((means, i) => ({
        means,
        weights: (r.weights[i] ?? []).map(Number),
        min: Number(r.mins[i]),
        max: Number(r.maxs[i]),
      })),
    }));
  } catch (err) {
    throw toStoreError(err, 'querying latency digests');
  }
}
