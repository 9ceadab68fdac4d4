// Reads for the fleet endpoint: lifetime counters per label set from the day
// totals (tool_totals_1d, no TTL), and the latency quantiles of a trailing
// window per label set from the digest tier of its granularity (minute rows,
// hour or day digests).
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

/** The fleet exposition's latency quantiles (a summary's `quantile` labels). */
export const WINDOW_QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;

export interface WindowQuantiles {
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  /** WINDOW_QUANTILES of call duration in milliseconds, over every stored digest of the window. */
  readonly quantilesMs: readonly number[];
}

/** A label set's stored digests of a window, unmerged (what the exposition read before WindowQuantiles; kept for bench/fleet-endpoint.ts's before/after). */
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
// TypeScript with the same digest code that folded them. Per minute from the
// minute rows; per hour and day from the hour and day digests (015, 016):
// one or two rows per label set instead of sixty or 1,440 minute rows.
const windowSql = (table: string, range: string) => `
SELECT workspace, plugin, tool,
       groupArray(latency_means) AS means, groupArray(latency_weights) AS weights,
       groupArray(latency_min_ms) AS mins, groupArray(latency_max_ms) AS maxs
FROM ${table} FINAL
WHERE org = {org:String} AND ${range}
GROUP BY workspace, plugin, tool
ORDER BY workspace, plugin, tool`;
const WINDOW_SQL = {
  minute: windowSql('tool_rollups_1m', "minute >= toDateTime({from:UInt32}, 'UTC')"),
  hour: windowSql('tool_rollups_1h', "hour >= toDateTime({from:UInt32}, 'UTC')"),
  day: windowSql('tool_rollups_1d', "day >= toDate(toDateTime({from:UInt32}, 'UTC'))"),
} as const;
// The same window's quantiles merged by the engine: every centroid of every
// row of a label set, its mean weighted by its count (as the series do), four
// numbers per label set back instead of ~100 centroids per row. Decoding the
// centroid arrays as JSON and merging them in TypeScript was ~75% of a
// granularity=hour scrape at 10k label sets (bench/fleet-endpoint.ts).
//
// The window is PREWHERE: under FINAL a WHERE filters after the replacing
// merge, so every row of the month's partition was merged first (the tables
// sort by labels before time: the window prunes few granules), up to 744
// hour rows per label set for the one or two it needs. Exact, because the
// time column is part of the sorting key: all versions of a row share it.
const quantileSql = (table: string, range: string) => `
SELECT workspace, plugin, tool,
       quantilesExactWeightedArray(${WINDOW_QUANTILES.join(', ')})(latency_means, latency_weights) AS q
FROM ${table} FINAL
PREWHERE ${range}
WHERE org = {org:String}
GROUP BY workspace, plugin, tool
HAVING sum(length(latency_means)) > 0
ORDER BY workspace, plugin, tool`;
const RANGE = {
  minute: "minute >= toDateTime({from:UInt32}, 'UTC')",
  hour: "hour >= toDateTime({from:UInt32}, 'UTC')",
  day: "day >= toDate(toDateTime({from:UInt32}, 'UTC'))",
} as const;
const QUANTILE_SQL = {
  minute: quantileSql('tool_rollups_1m', RANGE.minute),
  hour: quantileSql('tool_rollups_1h', RANGE.hour),
  day: quantileSql('tool_rollups_1d', RANGE.day),
} as const;
const TIER_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

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

/**
 * Digests of the minutes (hours, days) from `fromMs` on, rounded down to the
 * start of its minute (hour, UTC day). `tier` default: minute.
 */
export async function queryWindowDigests(store: Store, filter: { readonly org: string; readonly fromMs: number; readonly tier?: 'minute' | 'hour' | 'day' }): Promise<WindowDigest[]> {
  const tier = filter.tier ?? 'minute';
  try {
    const rs = await store.client.query({
      query: WINDOW_SQL[tier],
      query_params: { org: filter.org, from: (Math.floor(filter.fromMs / TIER_MS[tier]) * TIER_MS[tier]) / 1000 },
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

/**
 * Latency quantiles per label set over the minutes (hours, days) from
 * `fromMs` on, rounded down to the start of its minute (hour, UTC day); label
 * sets without a digest in the window are absent. `tier` default: minute.
 */
export async function queryWindowQuantiles(
  store: Store,
  filter: { readonly org: string; readonly fromMs: number; readonly tier?: 'minute' | 'hour' | 'day' },
): Promise<WindowQuantiles[]> {
  const tier = filter.tier ?? 'minute';
  try {
    const rs = await store.client.query({
      query: QUANTILE_SQL[tier],
      query_params: { org: filter.org, from: (Math.floor(filter.fromMs / TIER_MS[tier]) * TIER_MS[tier]) / 1000 },
      format: 'JSONCompactEachRow',
    });
    const rows = await rs.json<[string, string, string, number[]]>();
    return rows.map(([workspace, plugin, tool, q]) => ({ workspace, plugin, tool, quantilesMs: q.map(Number) }));
  } catch (err) {
    throw toStoreError(err, 'querying latency quantiles');
  }
}
