// Token analytics: input/output tokens per group and per time bucket, plus the
// heaviest groups. server, tool and workspace come from the per-minute
// rollups (tool_rollups_1m, kept 90 days; `server` is the rollups' plugin);
// per day, whole UTC days come from the day totals instead (tool_totals_1d:
// the same fold's figures, one row per label set and day rather than per
// minute, so a month reads ~1,440 times fewer rows), and only the partial
// days at either end from the minute rows. `actor` is not a rollup label, so
// it is read from the raw calls (tool_invocations, kept 30 days): actor
// figures older than that are gone.
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

const DAY_MS = 86_400_000;

/** The SELECT of bucket, group and token sums for `q`, grouped by the raw label columns. */
function usageSql(q: TokenUsageQuery): { sql: string; params: Record<string, unknown> } {
  const src = SOURCES[q.groupBy];
  const cols = src.columns.join(', ');
  const group = `[${src.columns.map((c) => `toString(${c})`).join(', ')}] AS g`;
  const params: Record<string, unknown> = { org: q.org, from_ms: q.fromMs, to_ms: q.toMs };
  const firstDay = Math.ceil(q.fromMs / DAY_MS) * DAY_MS;
  const endDay = Math.floor(q.toMs / DAY_MS) * DAY_MS;
  if (q.interval !== 'day' || src.table !== 'tool_rollups_1m' || endDay <= firstDay) {
    return {
      sql: `SELECT toUnixTimestamp(${BUCKET[q.interval](src.time)}) AS bucket, ${group}, sum(tokens_in) AS i, sum(tokens_out) AS o
FROM ${src.table} FINAL
WHERE org = {org:String} AND ${src.range}
GROUP BY bucket, ${cols}
ORDER BY bucket`,
      params,
    };
  }
  // Whole days from the day totals, the partial days at either end from the minute rows.
  return {
    sql: `SELECT bucket, g, sum(i) AS i, sum(o) AS o FROM (
  SELECT toUnixTimestamp(toStartOfDay(minute)) AS bucket, ${group}, sum(tokens_in) AS i, sum(tokens_out) AS o
  FROM tool_rollups_1m FINAL
  WHERE org = {org:String} AND ${ROLLUP_RANGE}
    AND (minute < toDateTime(intDiv({first_day_ms:Int64}, 1000), 'UTC') OR minute >= toDateTime(intDiv({end_day_ms:Int64}, 1000), 'UTC'))
  GROUP BY bucket, ${cols}
  UNION ALL
  SELECT toUnixTimestamp(toDateTime(day, 'UTC')) AS bucket, ${group}, sum(tokens_in) AS i, sum(tokens_out) AS o
  FROM tool_totals_1d FINAL
  WHERE org = {org:String} AND day >= toDate(toDateTime(intDiv({first_day_ms:Int64}, 1000), 'UTC')) AND day < toDate(toDateTime(intDiv({end_day_ms:Int64}, 1000), 'UTC'))
  GROUP BY bucket, ${cols}
)
GROUP BY bucket, g
ORDER BY bucket`,
    params: { ...params, first_day_ms: firstDay, end_day_ms: endDay },
  };
}

/**
 * One pass over the range: sums per bucket and group (grouped by the raw
 * LowCardinality columns, named in JS), then the top groups and the fold of
 * the rest into __other__ are computed here. Groups are few for the rollup
 * labels (capped per org); actors are read the same way, from the raw calls.
 */
export async function queryTokenUsage(store: Store, q: TokenUsageQuery): Promise<TokenUsage> {
  let rows: { bucket: Num; i: Num; o: Num; g: string[] }[];
  try {
    const { sql, params } = usageSql(q);
    const rs = await store.client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
    rows = await rs.json();
  } catch (err) {
    throw toStoreError(err, 'querying token usage');
  }
  const byGroup = new Map<string, { input: number; output: number }>();
  const named = rows.map((r) => ({ bucketMs: Number(r.bucket) * 1000, group: r.g.join('__'), input: Number(r.i), output: Number(r.o) }));
  for (const r of named) {
    const g = byGroup.get(r.group) ?? { input: 0, output: 0 };
    g.input += r.input;
    g.output += r.output;
    byGroup.set(r.group, g);
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
