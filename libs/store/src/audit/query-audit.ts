// Reads of audit_log for the audit API: newest-first pages by key (cursor
// pages and exports) or by offset (numbered pages), exact counts, and the
// query plan of a search (to prove the index is used).
//
// audit_log is a ReplacingMergeTree: until parts merge, a row the ledger
// worker re-appended after a restart is stored twice with the same
// (org, occurred_at, seq). Pages drop such copies as they read them (they are
// adjacent in key order); counts use FINAL only where parts overlap in time
// (count-audit.ts).
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { auditWhere, type AuditFilter, type AuditKey, type SqlPart } from './audit-filter-sql.ts';
import { assertRowsMatchLeaves } from './audit-row-leaves.ts';
import type { AuditRow } from './audit-row.ts';

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

// Pages are read in two steps: first the keys of the page's rows (only the
// key columns and what the filter needs: the text index answers q without
// reading any text), newest first, then the full rows of just those keys.
// Reading whole rows in the first step would read the long text columns of
// every candidate row; with keys first, a page costs one index lookup plus one
// small granule of audit_rows_json per row.
// The key step also returns each row's stored leaf hash: the rows served
// are checked against it (audit-row-leaves.ts). Read here, from the granules
// the key step reads anyway, it costs less than a second lookup by seq.
const KEYS_SQL = (where: string, tail: string) => `SELECT toUnixTimestamp64Milli(occurred_at) AS t, seq, leaf_hash
FROM audit_log
WHERE ${where}
ORDER BY occurred_at DESC, seq DESC
${tail}`;

// Served by audit_rows_json (migration 014): one JSON text per row in
// granules of 256 rows by (org, seq), so a scattered row costs one small read
// of one column instead of one per column.
const ROWS_JSON_SQL = `SELECT row FROM audit_rows_json WHERE org = {org:String} AND seq IN {seqs:Array(UInt64)}`;

// Rows appended before migration 014 are only in audit_log: served by its
// audit_rows_by_seq projection (migration 010): (org, seq) in granules of 256
// rows. No ORDER BY (it would steer the planner to the table's own sort order):
// the rows are put in key order in JS.
const ROWS_BY_KEYS_SQL = `SELECT ${COLUMNS}
FROM audit_log
WHERE org = {org:String} AND seq IN {seqs:Array(UInt64)}
SETTINGS preferred_optimize_projection_name = 'audit_rows_by_seq'`;

const sameKey = (a: AuditKey | undefined, b: AuditKey) => a !== undefined && a.seq === b.seq && a.occurredAtMs === b.occurredAtMs;

/** Drops the adjacent copies a re-append leaves until parts merge. */
function dedupe<T extends AuditKey>(rows: readonly T[], before?: AuditKey): T[] {
  const out: T[] = [];
  let prev = before;
  for (const r of rows) {
    if (!sameKey(prev, r)) out.push(r);
    prev = r;
  }
  return out;
}

async function query<T>(store: Store, sql: string, params: Record<string, unknown>, what: string): Promise<T[]> {
  try {
    const rs = await store.client.query({ query: sql, query_params: params, format: 'JSONCompactEachRow' });
    return await rs.json<T>();
  } catch (err) {
    throw toStoreError(err, what);
  }
}

interface LeafKey extends AuditKey {
  readonly leafHash: string;
}

async function selectKeys(store: Store, where: SqlPart, tail: string, params: Record<string, unknown>): Promise<LeafKey[]> {
  const raw = await query<[string | number, string | number, string]>(store, KEYS_SQL(where.sql, tail), { ...where.params, ...params }, 'searching the audit log');
  return raw.map(([t, seq, leafHash]) => ({ occurredAtMs: Number(t), seq: Number(seq), leafHash }));
}

/** The leaf hashes the keys' audit_log rows store, by seq (a forged duplicate seq may bring a second one). */
function leavesOf(keys: readonly LeafKey[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const k of keys) out.set(k.seq, [...(out.get(k.seq) ?? []), k.leafHash]);
  return out;
}

async function rowsByKeys(store: Store, org: string, keys: readonly LeafKey[]): Promise<AuditRow[]> {
  if (keys.length === 0) return [];
  const seqs = keys.map((k) => k.seq);
  let text: string;
  try {
    text = await (await store.client.query({ query: ROWS_JSON_SQL, query_params: { org, seqs }, format: 'TabSeparatedRaw' })).text();
  } catch (err) {
    throw toStoreError(err, 'reading audit rows');
  }
  // One JSON array per line (toJSONString escapes control characters, so a line is a row).
  const rows = text === '' ? [] : text.split('\n').filter((line) => line !== '').map((line) => toRow(JSON.parse(line) as RawRow));
  const found = new Set(rows.map((r) => r.seq));
  const missing = seqs.filter((seq) => !found.has(seq));
  const stored = leavesOf(keys);
  assertRowsMatchLeaves(org, rows, stored, 'audit_rows_json');
  if (missing.length > 0) {
    const before014 = (await query<RawRow>(store, ROWS_BY_KEYS_SQL, { org, seqs: missing }, 'reading audit rows')).map(toRow);
    assertRowsMatchLeaves(org, before014, stored, 'audit_log');
    rows.push(...before014);
  }
  rows.sort((a, b) => b.occurredAtMs - a.occurredAtMs || b.seq - a.seq);
  return dedupe(rows);
}

/** Up to `limit` rows newest first, strictly after `after` when given (keyset page). */
export async function pageAuditByKey(store: Store, filter: AuditFilter, options: { readonly limit: number; readonly after?: AuditKey }): Promise<AuditRow[]> {
  const where = auditWhere(filter, options.after);
  // Copies are rare (a worker restart before a merge): ask for the page, and
  // for more only if copies made it short.
  for (let fetch = options.limit; ; fetch = fetch * 2 + 16) {
    const raw = await selectKeys(store, where, 'LIMIT {limit:UInt32}', { limit: fetch });
    const keys = dedupe(raw);
    if (keys.length >= options.limit || raw.length < fetch) return rowsByKeys(store, filter.org, keys.slice(0, options.limit));
  }
}

/** Rows `offset .. offset+limit` newest first (numbered pages); copies never shift a page. */
export async function pageAuditByOffset(store: Store, filter: AuditFilter, options: { readonly limit: number; readonly offset: number }): Promise<AuditRow[]> {
  if (options.offset === 0) return pageAuditByKey(store, filter, { limit: options.limit });
  const where = auditWhere(filter);
  const keys = await selectKeys(store, where, 'LIMIT 1 BY occurred_at, seq LIMIT {limit:UInt32} OFFSET {offset:UInt64}', options);
  return rowsByKeys(store, filter.org, keys);
}

// Exact counts: count-audit.ts.
export { countAudit } from './count-audit.ts';

/** `EXPLAIN indexes = 1` of the key step of the first page for `filter`, as text. */
export async function explainAuditPage(store: Store, filter: AuditFilter, limit: number): Promise<string> {
  const where = auditWhere(filter);
  try {
    const rs = await store.client.query({
      query: `EXPLAIN indexes = 1 ${KEYS_SQL(where.sql, 'LIMIT {limit:UInt32}')}`,
      query_params: { ...where.params, limit },
      format: 'TabSeparatedRaw',
    });
    return await rs.text();
  } catch (err) {
    throw toStoreError(err, 'explaining an audit search');
  }
}

/**
 * `EXPLAIN indexes = 1` of the row step for `seqs` of `org`, as text (to show
 * what serves it): from audit_rows_json, or with `before014` the read of rows
 * appended before migration 014.
 */
export async function explainAuditRows(store: Store, org: string, seqs: readonly number[], options: { readonly before014?: boolean } = {}): Promise<string> {
  try {
    const sql = options.before014 ? ROWS_BY_KEYS_SQL : ROWS_JSON_SQL;
    const rs = await store.client.query({ query: `EXPLAIN indexes = 1 ${sql}`, query_params: { org, seqs }, format: 'TabSeparatedRaw' });
    return await rs.text();
  } catch (err) {
    throw toStoreError(err, 'explaining an audit row read');
  }
}
