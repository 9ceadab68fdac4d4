// The WHERE clause of every audit query (search pages, offset pages, counts,
// exports), built from a typed filter. Values only ever travel as server-side
// parameters; the SQL text depends on which filters are present, never on
// their values.
import type { AuditTextQuery } from './audit-text-query.ts';

/**
 * The expression the `text` index of migration 006 is built over. Queries
 * must repeat it byte for byte for ClickHouse to use the index.
 */
export const AUDIT_SEARCH_TEXT =
  "lowerUTF8(concat_ws(' ', action, actor, resource, outcome, ifNull(arguments, ''), ifNull(response, ''), ifNull(error, '')))";

export interface AuditFilter {
  readonly org: string;
  /** action starts with this, e.g. `tool.` */
  readonly actionPrefix?: string;
  /** action is one of these */
  readonly actions?: readonly string[];
  readonly actor?: string;
  readonly instance?: string;
  readonly workspace?: string;
  /** outcome is one of these */
  readonly outcomes?: readonly string[];
  /** resource equals this (e.g. `github__create_pr`) */
  readonly resource?: string;
  /** resource starts with this (e.g. `github__`) */
  readonly resourcePrefix?: string;
  /** resource ends with this (e.g. `__create_pr`) */
  readonly resourceSuffix?: string;
  /** occurred_at >= fromMs (epoch milliseconds) */
  readonly fromMs?: number;
  /** occurred_at < toMs (epoch milliseconds) */
  readonly toMs?: number;
  readonly text?: AuditTextQuery;
}

/** Position of a row in newest-first order: pages continue strictly after it. */
export interface AuditKey {
  readonly occurredAtMs: number;
  readonly seq: number;
}

export interface SqlPart {
  readonly sql: string;
  readonly params: Record<string, unknown>;
}

export function auditWhere(filter: AuditFilter, after?: AuditKey): SqlPart {
  const clauses = ['org = {org:String}'];
  const params: Record<string, unknown> = { org: filter.org };
  const add = (sql: string, name: string, value: unknown) => {
    clauses.push(sql);
    params[name] = value;
  };
  if (filter.actionPrefix !== undefined) add('startsWith(action, {action_prefix:String})', 'action_prefix', filter.actionPrefix);
  if (filter.actions !== undefined) add('action IN {actions:Array(String)}', 'actions', filter.actions);
  if (filter.actor !== undefined) add('actor = {actor:String}', 'actor', filter.actor);
  if (filter.instance !== undefined) add('instance = {instance:String}', 'instance', filter.instance);
  if (filter.workspace !== undefined) add('workspace = {workspace:String}', 'workspace', filter.workspace);
  if (filter.outcomes !== undefined) add('outcome IN {outcomes:Array(String)}', 'outcomes', filter.outcomes);
  if (filter.resource !== undefined) add('resource = {resource:String}', 'resource', filter.resource);
  if (filter.resourcePrefix !== undefined) add('startsWith(resource, {resource_prefix:String})', 'resource_prefix', filter.resourcePrefix);
  if (filter.resourceSuffix !== undefined) add('endsWith(resource, {resource_suffix:String})', 'resource_suffix', filter.resourceSuffix);
  if (filter.fromMs !== undefined) add("occurred_at >= fromUnixTimestamp64Milli({from_ms:Int64}, 'UTC')", 'from_ms', filter.fromMs);
  if (filter.toMs !== undefined) add("occurred_at < fromUnixTimestamp64Milli({to_ms:Int64}, 'UTC')", 'to_ms', filter.toMs);
  const text = filter.text;
  if (text) {
    if (text.all.length > 0) add(`hasAllTokens(${AUDIT_SEARCH_TEXT}, {q_all:Array(String)})`, 'q_all', text.all);
    text.phrases.forEach((phrase, i) => add(`hasPhrase(${AUDIT_SEARCH_TEXT}, {q_phrase_${i}:String})`, `q_phrase_${i}`, phrase));
    if (text.none.length > 0) add(`NOT hasAnyTokens(${AUDIT_SEARCH_TEXT}, {q_none:Array(String)})`, 'q_none', text.none);
    text.nonePhrases.forEach((phrase, i) => add(`NOT hasPhrase(${AUDIT_SEARCH_TEXT}, {q_not_phrase_${i}:String})`, `q_not_phrase_${i}`, phrase));
  }
  if (after) {
    // Spelled as a range on the sort key's column plus a tie-break, so the
    // primary key prunes everything newer than the cursor.
    clauses.push(
      "occurred_at <= fromUnixTimestamp64Milli({after_ms:Int64}, 'UTC')",
      "(occurred_at < fromUnixTimestamp64Milli({after_ms:Int64}, 'UTC') OR seq < {after_seq:UInt64})",
    );
    params['after_ms'] = after.occurredAtMs;
    params['after_seq'] = after.seq;
  }
  return { sql: clauses.join('\n  AND '), params };
}
