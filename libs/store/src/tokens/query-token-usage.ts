// Token analytics: input/output tokens per group and per time bucket, plus the
// heaviest groups. server, tool and workspace come from the per-minute
// rollups (tool_rollups_1m, kept 90 days; `server` is the rollups' plugin);
// `actor` is not a rollup label, so it is read from the raw calls
// (tool_invocations, kept 30 days): actor figures older than that are gone.
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
  readonly group: string;
  readonly range: string;
}

// Group and bucket expressions are chosen from closed lists, never from input.
const ROLLUP_RANGE = "minute >= toDateTime(intDiv({from_ms:Int64}, 1000), 'UTC') AND minute < toDateTime(intDiv({to_ms:Int64} + 999, 1000), 'UTC')";
const RAW_RANGE = "started_at >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC') AND started_at < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')";
const SOURCES: Record<TokenGroup, Source> = {
  server: { table: 'tool_rollups_1m', time: 'minute', group: 'toString(plugin)', range: ROLLUP_RANGE },
  tool: { table: 'tool_rollups_1m', time: 'minute', group: "concat(plugin, '__', tool)", range: ROLLUP_RANGE },
  workspace: { table: 'tool_rollups_1m', time: 'minute', group: 'toString(workspace)', range: ROLLUP_RANGE },
  actor: { table: 'tool_invocations', time: 'started_at', group: 'actor', range: RAW_RANGE },
};
const BUCKET: Record<TokenInterval, (time: string) => string> = {
  hour: (t) => `toStartOfHour(${t})`,
  day: (t) => `toStartOfDay(${t})`,
};

type Num = string | number;

export async function queryTokenUsage(store: Store, q: TokenUsageQuery): Promise<TokenUsage> {
  const src = SOURCES[q.groupBy];
  const params = { org: q.org, from_ms: q.fromMs, to_ms: q.toMs };
  const from = `FROM ${src.table} FINAL WHERE org = {org:String} AND ${src.range}`;
  try {
    const topRs = await store.client.query({
      query: `SELECT ${src.group} AS grp, sum(tokens_in) AS i, sum(tokens_out) AS o ${from}
GROUP BY grp ORDER BY i + o DESC, grp LIMIT {top:UInt32}`,
      query_params: { ...params, top: q.top },
      format: 'JSONEachRow',
    });
    const top = (await topRs.json<{ grp: string; i: Num; o: Num }>()).map((r) => figures(r.grp, r.i, r.o));
    const seriesRs = await store.client.query({
      query: `SELECT toUnixTimestamp(${BUCKET[q.interval](src.time)}) AS bucket,
       if(${src.group} IN {top_groups:Array(String)}, ${src.group}, {other:String}) AS grp,
       sum(tokens_in) AS i, sum(tokens_out) AS o ${from}
GROUP BY bucket, grp ORDER BY bucket, grp`,
      query_params: { ...params, top_groups: top.map((t) => t.group), other: OTHER_GROUP },
      format: 'JSONEachRow',
    });
    const series = (await seriesRs.json<{ bucket: Num; grp: string; i: Num; o: Num }>()).map((r) => ({
      bucketMs: Number(r.bucket) * 1000,
      ...figures(r.grp, r.i, r.o),
    }));
    let input = 0;
    let output = 0;
    for (const s of series) {
      input += s.input;
      output += s.output;
    }
    return { top, series, totals: { input, output, total: input + output } };
  } catch (err) {
    throw toStoreError(err, 'querying token usage');
  }
}

function figures(group: string, i: Num, o: Num): TokenFigures & { group: string } {
  const input = Number(i);
  const output = Number(o);
  return { group, input, output, total: input + output };
}
