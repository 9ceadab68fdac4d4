// Time series of an org's tool calls per bucket and group, for charts: calls,
// errors, tokens and latency quantiles from the rollup tier of the step
// (series-tiers.ts), pipeline lag quantiles from the raw calls. Quantiles
// are merged from the stored t-digest centroids (each centroid mean weighted
// by its count), never averaged across rows. One row per group comes back,
// its buckets as arrays: a day of minutes for ten groups is ten rows, not
// 14,400.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { STEP_MS, TIER_OF_STEP, type SeriesStep, type SeriesTier } from './series-tiers.ts';

export const SERIES_GROUPS = ['none', 'workspace', 'plugin', 'tool'] as const;
export type SeriesGroup = (typeof SERIES_GROUPS)[number];
export const SERIES_METRICS = ['calls', 'errors', 'error_rate', 'p50', 'p90', 'p95', 'p99', 'tokens_in', 'tokens_out', 'lag_p50', 'lag_p99'] as const;
export type SeriesMetric = (typeof SERIES_METRICS)[number];
export const SERIES_QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;
/** Outcomes a series may be filtered by (the tool_invocations enum). */
export const CALL_OUTCOMES = ['ok', 'error', 'denied', 'timeout', 'cancelled'] as const;

export interface SeriesFilter {
  readonly workspace?: string;
  readonly plugin?: string;
  readonly tool?: string;
  /** Only calls with this outcome: read from the raw calls, which carry it per call. */
  readonly outcome?: string;
}

export interface SeriesQuery extends SeriesFilter {
  readonly org: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly step: SeriesStep;
  readonly groupBy: SeriesGroup;
  /** The groups with most calls in the range; the rest are left out. */
  readonly top: number;
  /** Fetch the lag quantiles (a second query, on the raw calls). */
  readonly lag: boolean;
  /** Read the raw calls for everything (ClickHouse's quantilesTDigest on durations): the peer the tiers are measured against. */
  readonly rawPeer?: boolean;
}

/** One group's buckets, ascending; a bucket without calls is absent. */
export interface SeriesGroupRows {
  /** Group column → value; empty for group_by=none. */
  readonly key: Readonly<Record<string, string>>;
  /** Bucket starts, epoch ms. */
  readonly buckets: readonly number[];
  readonly calls: readonly number[];
  readonly errors: readonly number[];
  readonly tokensIn: readonly number[];
  readonly tokensOut: readonly number[];
  /** Per bucket, the SERIES_QUANTILES of call duration in milliseconds. */
  readonly latency: readonly (readonly number[])[];
  /** Per bucket with lag figures, [p50, p99] of stored − emitted in ms (only when asked). */
  readonly lag?: ReadonlyMap<number, readonly [number, number]>;
}

export interface SeriesResult {
  readonly tier: SeriesTier | 'raw';
  /** Groups by calls in the range, most first. */
  readonly groups: readonly SeriesGroupRows[];
}

const GROUP_COLUMNS: Readonly<Record<SeriesGroup, readonly string[]>> = {
  none: [],
  workspace: ['workspace'],
  plugin: ['plugin'],
  tool: ['plugin', 'tool'],
};

interface Source {
  readonly table: string;
  /** The bucket's time as a DateTime expression. */
  readonly time: string;
  /** Rows in [from_s, to_s). */
  readonly range: string;
  readonly calls: string;
  readonly errors: string;
  readonly quantiles: string;
}

const Q = SERIES_QUANTILES.join(', ');
const ROLLUP_FIGURES = { calls: 'sum(calls)', errors: 'sum(errors)', quantiles: `quantilesExactWeightedArray(${Q})(latency_means, latency_weights)` };
// Every source is chosen from this closed list, never from input.
const SOURCES: Readonly<Record<SeriesTier | 'raw' | 'peer', Source>> = {
  minute: { table: 'tool_rollups_1m', time: 'minute', range: "minute >= toDateTime({from_s:UInt32}, 'UTC') AND minute < toDateTime({to_s:UInt32}, 'UTC')", ...ROLLUP_FIGURES },
  hour: { table: 'tool_rollups_1h', time: 'hour', range: "hour >= toDateTime({from_s:UInt32}, 'UTC') AND hour < toDateTime({to_s:UInt32}, 'UTC')", ...ROLLUP_FIGURES },
  day: {
    table: 'tool_rollups_1d',
    time: "toDateTime(day, 'UTC')",
    range: "day >= toDate(toDateTime({from_s:UInt32}, 'UTC')) AND day < toDate(toDateTime({to_s:UInt32}, 'UTC'))",
    ...ROLLUP_FIGURES,
  },
  raw: {
    table: 'tool_invocations',
    time: 'started_at',
    range: "started_at >= toDateTime64({from_s:UInt32}, 3, 'UTC') AND started_at < toDateTime64({to_s:UInt32}, 3, 'UTC')",
    calls: 'count()',
    errors: "countIf(outcome IN ('error', 'timeout'))",
    quantiles: `quantilesExact(${Q})(duration_us / 1000)`,
  },
  peer: {
    table: 'tool_invocations',
    time: 'started_at',
    range: "started_at >= toDateTime64({from_s:UInt32}, 3, 'UTC') AND started_at < toDateTime64({to_s:UInt32}, 3, 'UTC')",
    calls: 'count()',
    errors: "countIf(outcome IN ('error', 'timeout'))",
    quantiles: `quantilesTDigest(${Q})(duration_us / 1000)`,
  },
};

function filterSql(q: SeriesQuery, raw: boolean): string {
  const parts = ['org = {org:String}'];
  if (q.workspace !== undefined) parts.push('workspace = {workspace:String}');
  if (q.plugin !== undefined) parts.push('plugin = {plugin:String}');
  if (q.tool !== undefined) parts.push('tool = {tool:String}');
  if (raw && q.outcome !== undefined) parts.push('outcome = {outcome:String}');
  return parts.join(' AND ');
}

/** The bucket range covers whole steps: from rounded down, to rounded up. */
export function bucketRange(fromMs: number, toMs: number, step: SeriesStep): { fromMs: number; toMs: number } {
  const s = STEP_MS[step];
  return { fromMs: Math.floor(fromMs / s) * s, toMs: Math.ceil(toMs / s) * s };
}

function params(q: SeriesQuery): Record<string, unknown> {
  const r = bucketRange(q.fromMs, q.toMs, q.step);
  const p: Record<string, unknown> = { org: q.org, from_s: r.fromMs / 1000, to_s: r.toMs / 1000, step_s: STEP_MS[q.step] / 1000, top: q.top };
  for (const k of ['workspace', 'plugin', 'tool', 'outcome'] as const) if (q[k] !== undefined) p[k] = q[k];
  return p;
}

/** Restricts to the `top` groups by calls in the range (none: no restriction). */
function topSql(src: Source, cols: readonly string[], where: string): string {
  if (cols.length === 0) return '';
  const tuple = cols.length === 1 ? cols[0]! : `(${cols.join(', ')})`;
  return ` AND ${tuple} IN (SELECT ${cols.join(', ')} FROM ${src.table} FINAL WHERE ${where} AND ${src.range} GROUP BY ${cols.join(', ')} ORDER BY ${src.calls} DESC, ${cols.join(', ')} LIMIT {top:UInt32})`;
}

function seriesSql(src: Source, cols: readonly string[], where: string): string {
  const keyCols = cols.length ? `${cols.join(', ')}, ` : '';
  const groupBy = cols.length ? `GROUP BY ${cols.join(', ')}` : '';
  return `SELECT ${keyCols}groupArray(b) AS b, groupArray(c) AS c, groupArray(e) AS e, groupArray(ti) AS ti, groupArray(tout) AS tout, groupArray(q) AS q
FROM (
  SELECT ${keyCols}intDiv(toUnixTimestamp(${src.time}), {step_s:UInt32}) * {step_s:UInt32} AS b,
         ${src.calls} AS c, ${src.errors} AS e, sum(tokens_in) AS ti, sum(tokens_out) AS tout, ${src.quantiles} AS q
  FROM ${src.table} FINAL
  WHERE ${where} AND ${src.range}${topSql(src, cols, where)}
  GROUP BY ${keyCols}b
  ORDER BY b
)
${groupBy}`;
}

function lagSql(cols: readonly string[], where: string): string {
  const src = SOURCES.raw;
  const keyCols = cols.length ? `${cols.join(', ')}, ` : '';
  return `SELECT ${keyCols}intDiv(toUnixTimestamp(started_at), {step_s:UInt32}) * {step_s:UInt32} AS b,
       quantilesTDigest(0.5, 0.99)(greatest(toUnixTimestamp64Milli(stored_at) - toUnixTimestamp64Milli(emitted_at), 0)) AS lag
FROM tool_invocations FINAL
WHERE ${where} AND ${src.range}
GROUP BY ${keyCols}b`;
}

type Num = number | string;
interface SeriesRow {
  b: Num[];
  c: Num[];
  e: Num[];
  ti: Num[];
  tout: Num[];
  q: number[][];
  [col: string]: unknown;
}

const keyOf = (cols: readonly string[], row: Record<string, unknown>): Record<string, string> => Object.fromEntries(cols.map((c) => [c, String(row[c])]));

export async function querySeries(store: Store, q: SeriesQuery): Promise<SeriesResult> {
  const tier: SeriesTier | 'raw' = q.outcome !== undefined ? 'raw' : TIER_OF_STEP[q.step];
  const src = SOURCES[q.rawPeer ? 'peer' : tier];
  const cols = GROUP_COLUMNS[q.groupBy];
  const where = filterSql(q, src.table === 'tool_invocations');
  const query_params = params(q);
  const settings = { output_format_json_quote_64bit_integers: 0 } as const;
  try {
    const [rs, lagRs] = await Promise.all([
      store.client.query({ query: seriesSql(src, cols, where), query_params, format: 'JSONEachRow', clickhouse_settings: settings }),
      q.lag ? store.client.query({ query: lagSql(cols, filterSql(q, true)), query_params, format: 'JSONEachRow', clickhouse_settings: settings }) : undefined,
    ]);
    const rows = await rs.json<SeriesRow>();
    const lagRows = lagRs ? await lagRs.json<Record<string, unknown> & { b: Num; lag: number[] }>() : [];
    const lagByGroup = new Map<string, Map<number, readonly [number, number]>>();
    for (const r of lagRows) {
      const k = JSON.stringify(keyOf(cols, r));
      const m = lagByGroup.get(k) ?? new Map<number, readonly [number, number]>();
      lagByGroup.set(k, m);
      m.set(Number(r.b) * 1000, [Number(r.lag[0]), Number(r.lag[1])]);
    }
    const groups = rows
      .filter((r) => r.b.length > 0)
      .map((r): SeriesGroupRows => {
        const key = keyOf(cols, r);
        const lag = q.lag ? (lagByGroup.get(JSON.stringify(key)) ?? new Map()) : undefined;
        return {
          key,
          buckets: r.b.map((b) => Number(b) * 1000),
          calls: r.c.map(Number),
          errors: r.e.map(Number),
          tokensIn: r.ti.map(Number),
          tokensOut: r.tout.map(Number),
          latency: r.q,
          ...(lag ? { lag } : {}),
        };
      });
    const total = (g: SeriesGroupRows) => g.calls.reduce((a, b) => a + b, 0);
    groups.sort((a, b) => total(b) - total(a) || (JSON.stringify(a.key) < JSON.stringify(b.key) ? -1 : 1));
    return { tier, groups: groups.slice(0, Math.max(1, q.top)) };
  } catch (err) {
    throw toStoreError(err, 'querying a time series');
  }
}
