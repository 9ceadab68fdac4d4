// Ingest lag quantiles (p50, p99 of stored_at - emitted_at) per bucket and
// group for a series. Org-wide, without filters (the console overview's
// pipeline strip), they are merged from the per-minute t-digest states of
// 074 (tool_invocation_lag_1m): one small state per minute and insert,
// where the raw calls gave a t-digest over every call of the range (~400k
// per hour at 10M calls a day, most of an overview refresh). Grouped or
// filtered lag, and the minutes before an org's first row in 074, are
// computed from the raw calls.
import type { Store } from '../create-store.ts';
import { STEP_MS, type SeriesStep } from './series-tiers.ts';

export interface LagQuery {
  readonly org: string;
  readonly step: SeriesStep;
  /** Group columns of the series (empty: org-wide). */
  readonly cols: readonly string[];
  /** The raw calls' filter (org and labels) as SQL with parameters. */
  readonly where: string;
  /** Only org-wide without label or outcome filters can read 074. */
  readonly orgWide: boolean;
  /** Bucket range, whole steps, epoch ms. */
  readonly fromMs: number;
  readonly toMs: number;
  readonly params: Readonly<Record<string, unknown>>;
}

export type LagRow = Record<string, unknown> & { b: number | string; lag: number[] };

export interface LagResult {
  readonly rows: readonly LagRow[];
  /** Where the figures came from: the minute states of 074 (all or some buckets), or the raw calls only. */
  readonly source: 'lag_1m' | 'raw';
}

const SETTINGS = { output_format_json_quote_64bit_integers: 0 } as const;
const MINUTE_MS = 60_000;

// Without FINAL: the sort key (labels, time, event id) of every row of the
// org would be read and merged to drop the rare re-delivered copy of a call,
// which moves an approximate quantile by nothing visible; at 10M calls that
// was most of an overview refresh (bench/console.ts).
function rawSql(cols: readonly string[], where: string): string {
  const keyCols = cols.length ? `${cols.join(', ')}, ` : '';
  return `SELECT ${keyCols}intDiv(toUnixTimestamp(started_at), {step_s:UInt32}) * {step_s:UInt32} AS b,
       quantilesTDigest(0.5, 0.99)(greatest(toUnixTimestamp64Milli(stored_at) - toUnixTimestamp64Milli(emitted_at), 0)) AS lag
FROM tool_invocations
WHERE ${where} AND started_at >= toDateTime64({lag_from_s:UInt32}, 3, 'UTC') AND started_at < toDateTime64({lag_to_s:UInt32}, 3, 'UTC')
GROUP BY ${keyCols}b`;
}

const STATES_SQL = `SELECT intDiv(toUnixTimestamp(minute), {step_s:UInt32}) * {step_s:UInt32} AS b, quantilesTDigestMerge(0.5, 0.99)(lag_ms) AS lag
FROM tool_invocation_lag_1m
WHERE org = {org:String} AND minute >= toDateTime({lag_from_s:UInt32}, 'UTC') AND minute < toDateTime({lag_to_s:UInt32}, 'UTC')
GROUP BY b`;

const FIRST_SQL = `SELECT toUnixTimestamp(minute) AS first_s FROM tool_invocation_lag_1m WHERE org = {org:String} ORDER BY minute LIMIT 1`;

async function rows(store: Store, query: string, params: Readonly<Record<string, unknown>>, fromMs: number, toMs: number): Promise<LagRow[]> {
  if (toMs <= fromMs) return [];
  const rs = await store.client.query({ query, query_params: { ...params, lag_from_s: fromMs / 1000, lag_to_s: toMs / 1000 }, format: 'JSONEachRow', clickhouse_settings: SETTINGS });
  return rs.json<LagRow>();
}

export async function queryLag(store: Store, q: LagQuery): Promise<LagResult> {
  const raw = (fromMs: number, toMs: number) => rows(store, rawSql(q.cols, q.where), q.params, fromMs, toMs);
  if (!q.orgWide) return { rows: await raw(q.fromMs, q.toMs), source: 'raw' };
  // Both at once: where the org's minute states start, and the states of the range.
  const [firstRs, states] = await Promise.all([
    store.client.query({ query: FIRST_SQL, query_params: { org: q.org }, format: 'JSONEachRow', clickhouse_settings: SETTINGS }),
    rows(store, STATES_SQL, q.params, q.fromMs, q.toMs),
  ]);
  const [first] = await firstRs.json<{ first_s: number | string }>();
  if (first === undefined) return { rows: await raw(q.fromMs, q.toMs), source: 'raw' };
  // The first minute may hold only the calls inserted after 074 was applied:
  // its bucket and everything before come from the raw calls.
  const stepMs = STEP_MS[q.step];
  const cutoff = Math.ceil((Number(first.first_s) * 1000 + MINUTE_MS) / stepMs) * stepMs;
  if (q.fromMs >= cutoff) return { rows: states, source: 'lag_1m' };
  const older = await raw(q.fromMs, Math.min(q.toMs, cutoff));
  return { rows: [...older, ...states.filter((r) => Number(r.b) * 1000 >= cutoff)], source: cutoff < q.toMs ? 'lag_1m' : 'raw' };
}
