// CSV exports of audit queries, formatted by ClickHouse itself (its CSV
// output is RFC 4180: every text field quoted, quotes doubled) and passed on
// as the engine's bytes, so rows never pass through JS values: an export
// streams at the engine's speed. Every text cell that starts with = + - @, a
// tab or a CR gets a leading apostrophe in SQL, so spreadsheets never run a
// cell as a formula.
//
// The export walks the result in keyset chunks: a keys-only query finds the
// last key of the next chunk, then the chunk's rows are streamed
// (raw-result-stream.ts). `LIMIT 1 BY` drops the copies a re-append left
// unmerged; bounding it to a chunk keeps its set of seen keys small, and the
// stream keeps the rows out of memory, so memory stays flat however large the
// result.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { auditWhere, type AuditFilter, type AuditKey } from './audit-filter-sql.ts';
import { openRawResultStreams } from './raw-result-stream.ts';

const text = (expr: string) => `if(substring(${expr}, 1, 1) IN ('=', '+', '-', '@', '\\t', '\\r'), concat('''', ${expr}), ${expr})`;
const ISO_TIME =
  "concat(formatDateTime(occurred_at, '%Y-%m-%dT%H:%i:%S', 'UTC'), '.', leftPad(toString(toUnixTimestamp64Milli(occurred_at) % 1000), 3, '0'), 'Z')";
const SERVER = "if(position(resource, '__') > 1, substring(resource, 1, position(resource, '__') - 1), resource)";

/** The columns an export may hold, by their CSV header name. */
export const AUDIT_CSV_COLUMNS = {
  seq: 'seq',
  event_id: text('event_id'),
  id: text('event_id'),
  occurred_at: ISO_TIME,
  created_at: ISO_TIME,
  workspace: text('toString(workspace)'),
  instance: text('toString(instance)'),
  action: text('toString(action)'),
  actor: text('actor'),
  resource: text('resource'),
  tool: text('resource'),
  server: text(SERVER),
  decision: text('toString(decision)'),
  outcome: text('toString(outcome)'),
  status: text('toString(outcome)'),
  source: "multiIf(action = 'sandbox.exec', 'sandbox', action = 'skill.invoke', 'skill', 'mcp')",
  latency_ms: 'latency_us / 1000',
  arguments: text('arguments'),
  response: text('response'),
  error: text('error'),
  trace_id: text('trace_id'),
} as const;
export type AuditCsvColumn = keyof typeof AUDIT_CSV_COLUMNS;

const CSV_SETTINGS = "SETTINGS format_csv_null_representation = '', output_format_csv_crlf_end_of_line = 1";

async function chunkEnd(store: Store, filter: AuditFilter, after: AuditKey | undefined, chunk: number): Promise<AuditKey | undefined> {
  const where = auditWhere(filter, after);
  const rs = await store.client.query({
    query: `SELECT toUnixTimestamp64Milli(occurred_at) AS t, seq FROM audit_log WHERE ${where.sql}
ORDER BY occurred_at DESC, seq DESC LIMIT 1 OFFSET {skip:UInt64}`,
    query_params: { ...where.params, skip: chunk - 1 },
    format: 'JSONCompactEachRow',
  });
  const [row] = await rs.json<[string | number, string | number]>();
  return row ? { occurredAtMs: Number(row[0]), seq: Number(row[1]) } : undefined;
}

/**
 * The CSV lines (no header) of every matching row, newest first, as byte
 * chunks of the engine's output (a chunk ends anywhere, not at a line end).
 * `chunk` rows are read per round trip. Copies a re-append left unmerged
 * appear once.
 */
export async function* exportAuditCsv(store: Store, filter: AuditFilter, columns: readonly AuditCsvColumn[], options: { readonly chunk: number }): AsyncGenerator<Uint8Array> {
  const select = columns.map((c) => AUDIT_CSV_COLUMNS[c]).join(', ');
  let after: AuditKey | undefined;
  let streams;
  try {
    streams = await openRawResultStreams(store);
    let nextEnd = chunkEnd(store, filter, undefined, options.chunk);
    for (;;) {
      const end = await nextEnd;
      // The next chunk's keys are looked up (on the store's connection) while
      // this chunk streams (on the export's own); a failure surfaces when awaited.
      if (end) {
        nextEnd = chunkEnd(store, filter, end, options.chunk);
        nextEnd.catch(() => {});
      }
      const where = auditWhere(filter, after);
      // Rows from the cursor down to the chunk's last key (all of them when none: the last chunk).
      const until = end
        ? "\n  AND (occurred_at > fromUnixTimestamp64Milli({end_ms:Int64}, 'UTC') OR (occurred_at = fromUnixTimestamp64Milli({end_ms:Int64}, 'UTC') AND seq >= {end_seq:UInt64}))"
        : '';
      const sql = `SELECT ${select} FROM audit_log WHERE ${where.sql}${until}
ORDER BY occurred_at DESC, seq DESC LIMIT 1 BY occurred_at, seq ${CSV_SETTINGS}`;
      yield* streams.stream(sql, end ? { ...where.params, end_ms: end.occurredAtMs, end_seq: end.seq } : where.params, 'CSV');
      if (!end) return;
      after = end;
    }
  } catch (err) {
    throw toStoreError(err, 'exporting the audit log');
  } finally {
    streams?.close();
  }
}
