// The calls behind a bucket: tool_invocations rows of one org in a time range,
// filtered by labels, outcome and a minimum duration, newest or slowest
// first, in keyset pages. With workspace, plugin and tool given, the filter
// is a prefix of the table's sorting key (org, workspace, plugin, tool,
// started_at, event_id), so a minute of one tool reads a granule or two.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

export const INVOCATION_SORTS = ['newest', 'slowest'] as const;
export type InvocationSort = (typeof INVOCATION_SORTS)[number];

export interface InvocationFilter {
  readonly org: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly workspace?: string;
  readonly plugin?: string;
  readonly tool?: string;
  readonly outcome?: string;
  readonly minDurationMs?: number;
}

/** Where a page continues: strictly after this (sort value, event id). */
export interface InvocationKey {
  /** started_at in epoch ms (newest) or duration in µs (slowest). */
  readonly value: number;
  readonly eventId: string;
}

export interface InvocationItem {
  readonly eventId: string;
  readonly startedAtMs: number;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  readonly actor: string;
  readonly instance: string;
  readonly source: string;
  readonly outcome: string;
  readonly durationUs: number;
  readonly errorCode: string;
  readonly tokensIn: number;
  readonly tokensOut: number;
  readonly traceId: string;
}

export const INVOCATION_COLUMNS = `event_id, toUnixTimestamp64Milli(started_at) AS started_ms, workspace, plugin, tool, actor, instance, toString(source) AS source,
       toString(outcome) AS outcome, duration_us, error_code, tokens_in, tokens_out, trace_id`;

export interface InvocationRecord {
  event_id: string;
  started_ms: number | string;
  workspace: string;
  plugin: string;
  tool: string;
  actor: string;
  instance: string;
  source: string;
  outcome: string;
  duration_us: number | string;
  error_code: string;
  tokens_in: number | string;
  tokens_out: number | string;
  trace_id: string;
}

export function toInvocationItem(r: InvocationRecord): InvocationItem {
  return {
    eventId: r.event_id,
    startedAtMs: Number(r.started_ms),
    workspace: r.workspace,
    plugin: r.plugin,
    tool: r.tool,
    actor: r.actor,
    instance: r.instance,
    source: r.source,
    outcome: r.outcome,
    durationUs: Number(r.duration_us),
    errorCode: r.error_code,
    tokensIn: Number(r.tokens_in),
    tokensOut: Number(r.tokens_out),
    traceId: r.trace_id,
  };
}

const ORDER: Readonly<Record<InvocationSort, { column: string; after: string }>> = {
  newest: { column: 'started_at', after: '(started_at, event_id) < (fromUnixTimestamp64Milli({after_value:Int64}, \'UTC\'), {after_id:String})' },
  slowest: { column: 'duration_us', after: '(duration_us, event_id) < ({after_value:UInt64}, {after_id:String})' },
};

export async function pageInvocations(store: Store, f: InvocationFilter, page: { sort: InvocationSort; limit: number; after?: InvocationKey }): Promise<InvocationItem[]> {
  const where = [
    'org = {org:String}',
    "started_at >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')",
    "started_at < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')",
  ];
  const params: Record<string, unknown> = { org: f.org, from_ms: f.fromMs, to_ms: f.toMs, limit: page.limit };
  for (const k of ['workspace', 'plugin', 'tool'] as const) {
    if (f[k] === undefined) continue;
    where.push(`${k} = {${k}:String}`);
    params[k] = f[k];
  }
  if (f.outcome !== undefined) {
    where.push('outcome = {outcome:String}');
    params.outcome = f.outcome;
  }
  if (f.minDurationMs !== undefined) {
    where.push('duration_us >= {min_us:UInt64}');
    params.min_us = Math.ceil(f.minDurationMs * 1000);
  }
  const order = ORDER[page.sort];
  if (page.after) {
    where.push(order.after);
    params.after_value = page.after.value;
    params.after_id = page.after.eventId;
  }
  try {
    const rs = await store.client.query({
      query: `SELECT ${INVOCATION_COLUMNS}
FROM tool_invocations FINAL
WHERE ${where.join(' AND ')}
ORDER BY ${order.column} DESC, event_id DESC
LIMIT {limit:UInt32}`,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
    });
    return (await rs.json<InvocationRecord>()).map(toInvocationItem);
  } catch (err) {
    throw toStoreError(err, 'querying invocations');
  }
}
