// Reads of audit_log for the audit API: newest-first pages by key (cursor
// pages and exports) or by offset (numbered pages), exact counts, and the
// query plan of a search (to prove the index is used).
//
// audit_log is a ReplacingMergeTree: until parts merge, a row the ledger
// worker re-appended after a restart is stored twice with the same
// (org, occurred_at, seq). Pages drop such copies with LIMIT 1 BY on the sort
// key (they are adjacent in key order); counts read with FINAL.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { auditWhere, type AuditFilter, type AuditKey } from './audit-filter-sql.ts';

export interface AuditRow {
  readonly seq: number;
  readonly eventId: string;
  readonly workspace: string;
  readonly instance: string;
  readonly occurredAtMs: number;
  readonly action: string;
  readonly actor: string;
  readonly resource: string;
  readonly decision: string;
  readonly outcome: string;
  readonly latencyUs: number | null;
  readonly arguments: string | null;
  readonly response: string | null;
  readonly error: string | null;
  readonly traceId: string | null;
}

/** Column order of the rows queries return (JSONCompact arrays). */
const COLUMNS = `seq, event_id, workspace, instance, toUnixTimestamp64Milli(occurred_at) AS occurred_at_ms, action, actor,
       resource, decision, outcome, latency_us, arguments, response, error, trace_id`;

type RawRow = [string | number, string, string, string, string | number, string, string, string, string, string, string | number | null, string | null, string | null, string | null, string | null];

function toRow(r: RawRow): AuditRow {
  return {
    seq: Number(r[0]),
    eventId: r[1],
    workspace: r[2],
    instance: r[3],
    occurredAtMs: Number(r[4]),
    action: r[5],
    actor: r[6],
    resource: r[7],
    decision: r[8],
    outcome: r[9],
    latencyUs: r[10] === null ? null : Number(r[10]),
    arguments: r[11],
    response: r[12],
    error: r[13],
    traceId: r[14],
  };
}

function selectSql(where: string, tail: string): string {
  return `SELECT ${COLUMNS}
FROM audit_log
WHERE ${where}
ORDER BY occurred_at DESC, seq DESC
LIMIT 1 BY occurred_at, seq
${tail}`;
}

async function selectRows(store: Store, query: string, params: Record<string, unknown>, what: string): Promise<AuditRow[]> {
  try {
    const rs = await store.client.query({ query, query_params: params, format: 'JSONCompactEachRow' });
    const rows = await rs.json<RawRow>();
    return rows.map(toRow);
  } catch (err) {
    throw toStoreError(err, what);
  }
}

/** Up to `limit` rows newest first, strictly after `after` when given (keyset page). */
export function pageAuditByKey(store: Store, filter: AuditFilter, options: { readonly limit: number; readonly after?: AuditKey }): Promise<AuditRow[]> {
  const where = auditWhere(filter, options.after);
  return selectRows(store, selectSql(where.sql, 'LIMIT {limit:UInt32}'), { ...where.params, limit: options.limit }, 'searching the audit log');
}

/**
 * Every matching row, newest first, as chunks of at most `chunk` rows: one
 * keyset page per chunk, so memory stays bounded by the chunk on either
 * engine, whatever the result size (exports).
 */
export async function* scanAudit(store: Store, filter: AuditFilter, options: { readonly chunk: number; readonly after?: AuditKey }): AsyncGenerator<AuditRow[]> {
  let after = options.after;
  for (;;) {
    const rows = await pageAuditByKey(store, filter, after === undefined ? { limit: options.chunk } : { limit: options.chunk, after });
    if (rows.length > 0) yield rows;
    if (rows.length < options.chunk) return;
    const last = rows[rows.length - 1]!;
    after = { occurredAtMs: last.occurredAtMs, seq: last.seq };
  }
}

/** Rows `offset .. offset+limit` newest first (numbered pages). */
export function pageAuditByOffset(store: Store, filter: AuditFilter, options: { readonly limit: number; readonly offset: number }): Promise<AuditRow[]> {
  const where = auditWhere(filter);
  return selectRows(
    store,
    selectSql(where.sql, 'LIMIT {limit:UInt32} OFFSET {offset:UInt64}'),
    { ...where.params, limit: options.limit, offset: options.offset },
    'paging the audit log',
  );
}

/** Exact number of rows matching the filter (re-appended copies count once). */
export async function countAudit(store: Store, filter: AuditFilter): Promise<number> {
  const where = auditWhere(filter);
  try {
    const rs = await store.client.query({
      query: `SELECT count() AS n FROM audit_log FINAL WHERE ${where.sql}`,
      query_params: where.params,
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: string | number }>();
    return Number(row?.n ?? 0);
  } catch (err) {
    throw toStoreError(err, 'counting audit rows');
  }
}

/** `EXPLAIN indexes = 1` of the first keyset page for `filter`, as text. */
export async function explainAuditPage(store: Store, filter: AuditFilter, limit: number): Promise<string> {
  const where = auditWhere(filter);
  try {
    const rs = await store.client.query({
      query: `EXPLAIN indexes = 1 ${selectSql(where.sql, 'LIMIT {limit:UInt32}')}`,
      query_params: { ...where.params, limit },
      format: 'TabSeparatedRaw',
    });
    return await rs.text();
  } catch (err) {
    throw toStoreError(err, 'explaining an audit search');
  }
}
