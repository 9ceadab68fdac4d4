// Time series of an org's tool calls per bucket and group, for charts: calls,
// errors, tokens and latency quantiles from the rollup tier of the step
// (series-tiers.ts; org-wide without label filters, its org-wide tier),
// pipeline lag quantiles from the lag states of 074 or the raw calls
// (series-lag.ts). Quantiles
// are merged from the stored t-digest centroids (each centroid mean weighted
// by its count), never averaged across rows. One row per group comes back,
// its buckets as arrays: a day of minutes for ten groups is ten rows, not
// 14,400.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { queryLag } from './series-lag.ts';
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
  /** Fetch the lag quantiles (a second query: org-wide from the minute lag states of 074, else from the raw calls). */
  readonly lag: boolean;
  /** Read the raw calls for everything (ClickHouse's quantilesTDigest on durations): the peer the tiers are measured against. */
  readonly rawPeer?: boolean;
  /** false: org-wide from the per-label-set tiers even where the org-wide tier holds the range (what org-wide series read before 040; bench/series.ts compares). */
  readonly orgTier?: boolean;
  /** false: rank the groups inside the minute or hour tier itself and filter the range after FINAL, as group_by did before the hour-total ranking (bench/series.ts compares). */
  readonly rankByTotals?: boolean;
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
  /** Where the lag quantiles came from, when asked: the minute lag states (074) for some or all buckets, or the raw calls only. */
  readonly lagSource?: 'lag_1m' | 'raw';
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
  /** The range may be read as PREWHERE under FINAL: its time column is part of the table's sorting key (see rankSql). */
  readonly prewhere: boolean;
}

const Q = SERIES_QUANTILES.join(', ');
const ROLLUP_FIGURES = { calls: 'sum(calls)', errors: 'sum(errors)', quantiles: `quantilesExactWeightedArray(${Q})(latency_means, latency_weights)` };
function tierSource(table: string, tier: SeriesTier): Source {
  if (tier === 'day') {
    return { table, time: "toDateTime(day, 'UTC')", range: "day >= toDate(toDateTime({from_s:UInt32}, 'UTC')) AND day < toDate(toDateTime({to_s:UInt32}, 'UTC'))", ...ROLLUP_FIGURES, prewhere: true };
  }
  return { table, time: tier, range: `${tier} >= toDateTime({from_s:UInt32}, 'UTC') AND ${tier} < toDateTime({to_s:UInt32}, 'UTC')`, ...ROLLUP_FIGURES, prewhere: true };
}
// The org-wide tiers (040): one row per bucket and offset chunk for a whole org.
const ORG_SOURCES: Readonly<Record<SeriesTier, Source>> = {
  minute: tierSource('tool_rollups_org_1m', 'minute'),
  hour: tierSource('tool_rollups_org_1h', 'hour'),
  day: tierSource('tool_rollups_org_1d', 'day'),
};
// Every source is chosen from these closed lists, never from input.
const SOURCES: Readonly<Record<SeriesTier | 'raw' | 'peer', Source>> = {
  minute: tierSource('tool_rollups_1m', 'minute'),
  hour: tierSource('tool_rollups_1h', 'hour'),
  day: tierSource('tool_rollups_1d', 'day'),
  raw: {
    table: 'tool_invocations',
    time: 'started_at',
    range: "started_at >= toDateTime64({from_s:UInt32}, 3, 'UTC') AND started_at < toDateTime64({to_s:UInt32}, 3, 'UTC')",
    calls: 'count()',
    errors: "countIf(outcome IN ('error', 'timeout'))",
    quantiles: `quantilesExact(${Q})(duration_us / 1000)`,
    prewhere: false,
  },
  peer: {
    table: 'tool_invocations',
    time: 'started_at',
    range: "started_at >= toDateTime64({from_s:UInt32}, 3, 'UTC') AND started_at < toDateTime64({to_s:UInt32}, 3, 'UTC')",
    calls: 'count()',
    errors: "countIf(outcome IN ('error', 'timeout'))",
    quantiles: `quantilesTDigest(${Q})(duration_us / 1000)`,
    prewhere: false,
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

function params(q: SeriesQuery, r: { fromMs: number; toMs: number } = bucketRange(q.fromMs, q.toMs, q.step)): Record<string, unknown> {
  const p: Record<string, unknown> = { org: q.org, from_s: r.fromMs / 1000, to_s: r.toMs / 1000, step_s: STEP_MS[q.step] / 1000, top: q.top };
  for (const k of ['workspace', 'plugin', 'tool', 'outcome'] as const) if (q[k] !== undefined) p[k] = q[k];
  return p;
}

/** Restricts to the `top` groups by calls in the range, ranked in the series' own tier (none: no restriction). */
function topSql(src: Source, cols: readonly string[], where: string): string {
  if (cols.length === 0) return '';
  const tuple = cols.length === 1 ? cols[0]! : `(${cols.join(', ')})`;
  return ` AND ${tuple} IN (SELECT ${cols.join(', ')} FROM ${src.table} FINAL WHERE ${where} AND ${src.range} GROUP BY ${cols.join(', ')} ORDER BY ${src.calls} DESC, ${cols.join(', ')} LIMIT {top:UInt32})`;
}

/** Restricts to the groups ranked beforehand (rankedGroups), given as one array parameter per group column. */
function groupsSql(cols: readonly string[]): string {
  if (cols.length === 1) return ` AND ${cols[0]} IN {k0:Array(String)}`;
  return ` AND (${cols.join(', ')}) IN arrayZip(${cols.map((_, i) => `{k${i}:Array(String)}`).join(', ')})`;
}

function seriesSql(src: Source, cols: readonly string[], where: string, restrict: string = topSql(src, cols, where)): string {
  const keyCols = cols.length ? `${cols.join(', ')}, ` : '';
  const groupBy = cols.length ? `GROUP BY ${cols.join(', ')}` : '';
  return `SELECT ${keyCols}groupArray(b) AS b, groupArray(c) AS c, groupArray(e) AS e, groupArray(ti) AS ti, groupArray(tout) AS tout, groupArray(q) AS q
FROM (
  SELECT ${keyCols}intDiv(toUnixTimestamp(${src.time}), {step_s:UInt32}) * {step_s:UInt32} AS b,
         ${src.calls} AS c, ${src.errors} AS e, sum(tokens_in) AS ti, sum(tokens_out) AS tout, ${src.quantiles} AS q
  FROM ${src.table} FINAL
  ${src.prewhere ? `PREWHERE ${src.range} WHERE ${where}` : `WHERE ${where} AND ${src.range}`}${restrict}
  GROUP BY ${keyCols}b
  ORDER BY b
)
${groupBy}`;
}

// Ranking the groups of a minute or hour series: calls per group from the
// hour totals (013: counts only, one row per label set and hour, no digest
// columns) for the whole hours of the range, and from the minute rows for the
// partial hours at either end. Ranking inside the minute tier read every
// label set's minute rows of the range with FINAL (at 10k label sets and a
// day, ~320k rows: most of a group_by=tool request, bench/series.ts); the
// digests are then merged only for the `top` groups. The hour totals are
// written by the same flush as the minute rows and kept as long as the hour
// digests (class rollups_1h), so they hold every whole hour a minute series
// can reach.
const HOUR_S = 3_600;
// The time ranges are PREWHERE: with FINAL, WHERE filters after the
// replacing merge, which then merges every row of the month's partition (the
// tables sort by labels before time, so the range prunes few granules);
// PREWHERE filters while reading. Exact here because the time column is part
// of the sorting key: every version of a row has the same hour (minute), so
// a version is dropped only with all the others.
function rankSql(cols: readonly string[], where: string, parts: { hours: boolean; edges: boolean }): string {
  const c = cols.join(', ');
  const hours = `SELECT ${c}, sum(calls) AS n FROM tool_totals_1h FINAL
    PREWHERE hour >= toDateTime({rank_h_from:UInt32}, 'UTC') AND hour < toDateTime({rank_h_to:UInt32}, 'UTC')
    WHERE ${where} GROUP BY ${c}`;
  const edges = `SELECT ${c}, sum(calls) AS n FROM tool_rollups_1m FINAL
    PREWHERE (minute >= toDateTime({from_s:UInt32}, 'UTC') AND minute < toDateTime({rank_h_from:UInt32}, 'UTC'))
      OR (minute >= toDateTime({rank_h_to:UInt32}, 'UTC') AND minute < toDateTime({to_s:UInt32}, 'UTC'))
    WHERE ${where} GROUP BY ${c}`;
  const union = [parts.hours ? hours : '', parts.edges ? edges : ''].filter(Boolean).join(' UNION ALL ');
  return `SELECT ${c}, sum(n) AS n FROM (${union}) GROUP BY ${c} ORDER BY n DESC, ${c} LIMIT {top:UInt32}`;
}

/** The `top` groups by calls in the range of a minute or hour series, most first. */
async function rankedGroups(store: Store, q: SeriesQuery, cols: readonly string[], where: string, query_params: Record<string, unknown>): Promise<Record<string, string>[]> {
  const fromS = Number(query_params.from_s);
  const toS = Number(query_params.to_s);
  // Whole hours inside the range; none when it lies within one hour (then the edges cover it all).
  let hFrom = Math.ceil(fromS / HOUR_S) * HOUR_S;
  let hTo = Math.floor(toS / HOUR_S) * HOUR_S;
  if (hTo <= hFrom) hFrom = hTo = toS;
  // Hour steps cover whole hours; a minute range aligned on hours has no partial ends.
  const parts = { hours: hTo > hFrom, edges: TIER_OF_STEP[q.step] === 'minute' && (fromS < hFrom || hTo < toS) };
  const rs = await store.client.query({
    query: rankSql(cols, where, parts),
    query_params: { ...query_params, rank_h_from: hFrom, rank_h_to: hTo },
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  return (await rs.json<Record<string, unknown>>()).map((r) => keyOf(cols, r));
}

/** A grouped minute or hour series: the groups ranked on counts first, digests merged for those only. */
async function rankedSeriesRows(store: Store, q: SeriesQuery, src: Source, cols: readonly string[], where: string, query_params: Record<string, unknown>): Promise<SeriesRow[]> {
  const top = await rankedGroups(store, q, cols, where, query_params);
  if (top.length === 0) return [];
  const keys = Object.fromEntries(cols.map((c, i) => [`k${i}`, top.map((g) => g[c]!)]));
  const rs = await store.client.query({ query: seriesSql(src, cols, where, groupsSql(cols)), query_params: { ...query_params, ...keys }, format: 'JSONEachRow', clickhouse_settings: SETTINGS });
  return rs.json<SeriesRow>();
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

const SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const;

async function seriesRows(store: Store, src: Source, cols: readonly string[], where: string, query_params: Record<string, unknown>): Promise<SeriesRow[]> {
  const rs = await store.client.query({ query: seriesSql(src, cols, where), query_params, format: 'JSONEachRow', clickhouse_settings: SETTINGS });
  return rs.json<SeriesRow>();
}

/**
 * An org-wide series without label filters: from the org-wide tier (040),
 * one row per bucket and chunk, for the buckets it holds whole. It holds
 * every call from its org's first full bucket on (the first one may miss the
 * calls folded before the tier was written); buckets before that come from
 * the per-label-set tier, as before 040.
 */
async function orgWideRows(store: Store, q: SeriesQuery, tier: SeriesTier): Promise<SeriesRow[]> {
  const org = ORG_SOURCES[tier];
  const range = bucketRange(q.fromMs, q.toMs, q.step);
  const where = filterSql(q, false);
  // Both at once: where the org tier starts, and its buckets of the range.
  const [first, [fromOrg]] = await Promise.all([firstOrgBucket(store, org, q.org), seriesRows(store, org, [], where, params(q, range))]);
  const stepMs = STEP_MS[q.step];
  // Whole steps after the first (possibly partial) bucket of the org tier.
  const cutoff = first === undefined ? Infinity : Math.ceil((first + TIER_MS[tier]) / stepMs) * stepMs;
  const newer = fromOrg && keepFrom(fromOrg, cutoff / 1000);
  if (range.fromMs >= cutoff) return newer ? [newer] : [];
  const [older] = await seriesRows(store, SOURCES[tier], [], where, params(q, { fromMs: range.fromMs, toMs: Math.min(range.toMs, cutoff) }));
  if (!newer?.b.length) return older ? [older] : [];
  if (!older?.b.length) return [newer];
  return [{ b: [...older.b, ...newer.b], c: [...older.c, ...newer.c], e: [...older.e, ...newer.e], ti: [...older.ti, ...newer.ti], tout: [...older.tout, ...newer.tout], q: [...older.q, ...newer.q] }];
}

const TIER_MS: Readonly<Record<SeriesTier, number>> = { minute: STEP_MS['1m'], hour: STEP_MS['1h'], day: STEP_MS['1d'] };

/** The row's buckets from `fromS` (epoch seconds) on. */
function keepFrom(row: SeriesRow, fromS: number): SeriesRow {
  const i = row.b.findIndex((b) => Number(b) >= fromS);
  if (i === 0) return row;
  const at = i < 0 ? row.b.length : i;
  return { b: row.b.slice(at), c: row.c.slice(at), e: row.e.slice(at), ti: row.ti.slice(at), tout: row.tout.slice(at), q: row.q.slice(at) };
}

async function firstOrgBucket(store: Store, src: Source, org: string): Promise<number | undefined> {
  const rs = await store.client.query({
    query: `SELECT toUnixTimestamp(${src.time}) AS first FROM ${src.table} WHERE org = {org:String} ORDER BY ${src.time} LIMIT 1`,
    query_params: { org },
    format: 'JSONEachRow',
    clickhouse_settings: SETTINGS,
  });
  const [row] = await rs.json<{ first: number }>();
  return row === undefined ? undefined : Number(row.first) * 1000;
}

export async function querySeries(store: Store, q: SeriesQuery): Promise<SeriesResult> {
  const tier: SeriesTier | 'raw' = q.outcome !== undefined ? 'raw' : TIER_OF_STEP[q.step];
  const src = SOURCES[q.rawPeer ? 'peer' : tier];
  const cols = GROUP_COLUMNS[q.groupBy];
  const where = filterSql(q, src.table === 'tool_invocations');
  const query_params = params(q);
  const ranked = (tier === 'minute' || tier === 'hour') && !q.rawPeer && q.rankByTotals !== false && cols.length > 0;
  const orgWide = tier !== 'raw' && !q.rawPeer && q.orgTier !== false && q.groupBy === 'none' && q.workspace === undefined && q.plugin === undefined && q.tool === undefined;
  try {
    const lagOrgWide = !q.rawPeer && q.groupBy === 'none' && q.workspace === undefined && q.plugin === undefined && q.tool === undefined && q.outcome === undefined;
    const [rows, lagResult] = await Promise.all([
      orgWide
        ? orgWideRows(store, q, tier)
        : ranked
          ? rankedSeriesRows(store, q, src, cols, where, query_params)
          : seriesRows(store, q.rankByTotals === false ? { ...src, prewhere: false } : src, cols, where, query_params),
      q.lag ? queryLag(store, { org: q.org, step: q.step, cols, where: filterSql(q, true), orgWide: lagOrgWide, ...bucketRange(q.fromMs, q.toMs, q.step), params: query_params }) : undefined,
    ]);
    const lagRows = lagResult?.rows ?? [];
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
    return { tier, groups: groups.slice(0, Math.max(1, q.top)), ...(lagResult ? { lagSource: lagResult.source } : {}) };
  } catch (err) {
    throw toStoreError(err, 'querying a time series');
  }
}
