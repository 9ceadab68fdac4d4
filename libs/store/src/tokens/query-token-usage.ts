// Token analytics: input/output tokens per group and per time bucket, plus the
// heaviest groups. server, tool and workspace come from the rollup tiers
// (`server` is the rollups' plugin), all written by the same fold: whole UTC
// days from the day totals (tool_totals_1d, no TTL; per day only), whole
// hours from the hour totals (tool_totals_1h, 180 days: 60 times fewer rows
// than the minutes), and only the partial hours at either end of the range
// from the per-minute rollups (tool_rollups_1m, 90 days). `actor` is not a
// rollup label, so it is read from the raw calls (tool_invocations, kept 30
// days): actor figures older than that are gone.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

export const TOKEN_GROUPS = ['server', 'tool', 'workspace', 'actor'] as const;
export type TokenGroup = (typeof TOKEN_GROUPS)[number];
export const TOKEN_INTERVALS = ['hour', 'day'] as const;
export type TokenInterval = (typeof TOKEN_INTERVALS)[number];

/** Name of the group that sums every group outside the top N. */
export const OTHER_GROUP = '__other__';

export interface TokenUsageQuery {
  readonly org: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly groupBy: TokenGroup;
  readonly interval: TokenInterval;
  /** How many of the heaviest groups get their own series; the rest are summed as __other__. */
  readonly top: number;
  /**
   * Read every figure from the minute rows, not from the hour and day totals:
   * the same answer while the minute rows last, at ~60× the rows per hour.
   * For comparisons and benchmarks of the two paths.
   */
  readonly minuteRowsOnly?: boolean;
}

export interface TokenFigures {
  readonly input: number;
  readonly output: number;
  readonly total: number;
}

export interface TokenUsage {
  /** Heaviest groups first (by total tokens), at most `top`. */
  readonly top: readonly (TokenFigures & { readonly group: string })[];
  /** Per bucket (ascending) and group: the top groups, and __other__ for the rest. */
  readonly series: readonly (TokenFigures & { readonly bucketMs: number; readonly group: string })[];
  readonly totals: TokenFigures;
}

interface Source {
  readonly table: string;
  readonly time: string;
  /** Columns that make up the group; joined with `__` into its name. */
  readonly columns: readonly string[];
  readonly range: string;
}

// Group and bucket expressions are chosen from closed lists, never from input.
const ROLLUP_RANGE = "minute >= toDateTime(intDiv({from_ms:Int64}, 1000), 'UTC') AND minute < toDateTime(intDiv({to_ms:Int64} + 999, 1000), 'UTC')";
const RAW_RANGE = "started_at >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND started_at < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')";
const SOURCES: Record<TokenGroup, Source> = {
  server: { table: 'tool_rollups_1m', time: 'minute', columns: ['plugin'], range: ROLLUP_RANGE },
  tool: { table: 'tool_rollups_1m', time: 'minute', columns: ['plugin', 'tool'], range: ROLLUP_RANGE },
  workspace: { table: 'tool_rollups_1m', time: 'minute', columns: ['workspace'], range: ROLLUP_RANGE },
  actor: { table: 'tool_invocations', time: 'started_at', columns: ['actor'], range: RAW_RANGE },
};
const BUCKET: Record<TokenInterval, (time: string) => string> = {
  hour: (t) => `toStartOfHour(${t})`,
  day: (t) => `toStartOfDay(${t})`,
};

type Num = string | number;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const toTime = (param: string) => `toDateTime(intDiv({${param}:Int64}, 1000), 'UTC')`;

/**
 * The stretches of [fromMs, toMs) each rollup tier answers for: whole UTC
 * days from the day totals (per day only), whole hours from the hour totals
 * (the hours of partial days, too), the rest from the minute rows. A stretch
 * is [start, end) and empty when start >= end. Minute rows count when their
 * minute starts in the range, so every minute of a whole hour or day lies in
 * it: each tier sums exactly the minutes the minute rows alone would.
 */
function tokenTierSpans(q: Pick<TokenUsageQuery, 'fromMs' | 'toMs' | 'interval'>): { hours: [number, number]; days: [number, number] } {
  const hours: [number, number] = [Math.ceil(q.fromMs / HOUR_MS) * HOUR_MS, Math.floor(q.toMs / HOUR_MS) * HOUR_MS];
  const days: [number, number] = [Math.ceil(q.fromMs / DAY_MS) * DAY_MS, Math.floor(q.toMs / DAY_MS) * DAY_MS];
  if (hours[0] >= hours[1]) return { hours: [0, 0], days: [0, 0] };
  return { hours, days: q.interval === 'day' && days[0] < days[1] ? days : [0, 0] };
}

/** The SELECT of bucket, group and token sums for `q`, grouped by the raw label columns. */
function usageSql(q: TokenUsageQuery): { sql: string; params: Record<string, unknown> } {
  const src = SOURCES[q.groupBy];
  const cols = src.columns.join(', ');
  const group = `[${src.columns.map((c) => `toString(${c})`).join(', ')}] AS g`;
  const params: Record<string, unknown> = { org: q.org, from_ms: q.fromMs, to_ms: q.toMs };
  const spans = tokenTierSpans(q);
  const [hourStart, hourEnd] = spans.hours;
  if (q.minuteRowsOnly || src.table !== 'tool_rollups_1m' || hourStart >= hourEnd) {
    return {
      sql: `SELECT toUnixTimestamp(${BUCKET[q.interval](src.time)}) AS bucket, ${group}, sum(tokens_in) AS i, sum(tokens_out) AS o
FROM ${src.table} FINAL
WHERE org = {org:String} AND ${src.range}
GROUP BY bucket, ${cols}
ORDER BY bucket`,
      params,
    };
  }
  // Whole hours from the hour totals (less the whole days, per day, which the
  // day totals give), the partial hours at either end from the minute rows.
  const [dayStart, dayEnd] = spans.days;
  const withDays = dayStart < dayEnd;
  const parts = [
    `SELECT toUnixTimestamp(${BUCKET[q.interval]('minute')}) AS bucket, ${group}, sum(tokens_in) AS i, sum(tokens_out) AS o
  FROM tool_rollups_1m FINAL
  WHERE org = {org:String} AND ${ROLLUP_RANGE}
    AND (minute < ${toTime('hour_start_ms')} OR minute >= ${toTime('hour_end_ms')})
  GROUP BY bucket, ${cols}`,
    `SELECT toUnixTimestamp(${BUCKET[q.interval]('hour')}) AS bucket, ${group}, sum(tokens_in) AS i, sum(tokens_out) AS o
  FROM tool_totals_1h FINAL
  WHERE org = {org:String} AND hour >= ${toTime('hour_start_ms')} AND hour < ${toTime('hour_end_ms')}${
    withDays ? `\n    AND (hour < ${toTime('day_start_ms')} OR hour >= ${toTime('day_end_ms')})` : ''
  }
  GROUP BY bucket, ${cols}`,
  ];
  if (withDays) {
    parts.push(`SELECT toUnixTimestamp(toDateTime(day, 'UTC')) AS bucket, ${group}, sum(tokens_in) AS i, sum(tokens_out) AS o
  FROM tool_totals_1d FINAL
  WHERE org = {org:String} AND day >= toDate(${toTime('day_start_ms')}) AND day < toDate(${toTime('day_end_ms')})
  GROUP BY bucket, ${cols}`);
  }
  return {
    sql: `SELECT bucket, g, sum(i) AS i, sum(o) AS o FROM (
  ${parts.join('\n  UNION ALL\n  ')}
)
GROUP BY bucket, g
ORDER BY bucket`,
    params: { ...params, hour_start_ms: hourStart, hour_end_ms: hourEnd, ...(withDays ? { day_start_ms: dayStart, day_end_ms: dayEnd } : {}) },
  };
}

/**
 * One pass over the range: sums per bucket and group (grouped by the raw
 * LowCardinality columns, named in JS), then the top groups and the fold of
 * the rest into __other__ are computed here. Groups are few for the rollup
 * labels (capped per org); actors are read the same way, from the raw calls.
 */
export async function queryTokenUsage(store: Store, q: TokenUsageQuery): Promise<TokenUsage> {
  // One row per group with its buckets and sums as arrays: an hourly month by
  // tool is ~29k (bucket, group) pairs, and as rows their transfer and
  // parsing cost more than the engine's part of the query.
  let rows: { g: string[]; b: Num[]; tin: Num[]; tout: Num[] }[];
  try {
    const { sql, params } = usageSql(q);
    const rs = await store.client.query({
      query: `SELECT g, groupArray(bucket) AS b, groupArray(i) AS tin, groupArray(o) AS tout FROM (${sql}) GROUP BY g`,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    rows = await rs.json();
  } catch (err) {
    throw toStoreError(err, 'querying token usage');
  }
  const byGroup = new Map<string, { input: number; output: number }>();
  const named: { bucketMs: number; group: string; input: number; output: number }[] = [];
  for (const r of rows) {
    const group = r.g.join('__');
    let input = 0;
    let output = 0;
    for (let k = 0; k < r.b.length; k++) {
      const row = { bucketMs: Number(r.b[k]) * 1000, group, input: Number(r.tin[k]), output: Number(r.tout[k]) };
      named.push(row);
      input += row.input;
      output += row.output;
    }
    const g = byGroup.get(group) ?? { input: 0, output: 0 };
    byGroup.set(group, { input: g.input + input, output: g.output + output });
  }
  const top = [...byGroup.entries()]
    .map(([group, f]) => figures(group, f.input, f.output))
    .sort((a, b) => b.total - a.total || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
    .slice(0, q.top);
  const kept = new Set(top.map((t) => t.group));
  const series = new Map<string, { bucketMs: number; group: string; input: number; output: number }>();
  for (const r of named) {
    const group = kept.has(r.group) ? r.group : OTHER_GROUP;
    const key = `${r.bucketMs}\u0000${group}`;
    const s = series.get(key) ?? { bucketMs: r.bucketMs, group, input: 0, output: 0 };
    s.input += r.input;
    s.output += r.output;
    series.set(key, s);
  }
  let input = 0;
  let output = 0;
  for (const s of series.values()) {
    input += s.input;
    output += s.output;
  }
  const ordered = [...series.values()]
    .sort((a, b) => a.bucketMs - b.bucketMs || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))
    .map((s) => ({ bucketMs: s.bucketMs, ...figures(s.group, s.input, s.output) }));
  return { top, series: ordered, totals: { input, output, total: input + output } };
}

function figures(group: string, input: number, output: number): TokenFigures & { group: string } {
  return { group, input, output, total: input + output };
}
