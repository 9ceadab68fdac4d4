import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import type { ToolInvocationRow } from './tool-invocation-row.ts';
import { stamped, type RetentionStamp } from '../retention/retention-stamp.ts';
import { insertRowBinaryEmbedded } from '../ledger/encoded-insert.ts';
import { encodeInvocationsRowBinary } from './invocations-row-binary.ts';
import { RowBinaryWriter } from '../ledger/row-binary.ts';

/** Column order of the insert; the check below fails to compile if a row field is missing. */
const COLUMNS = [
  'event_id',
  'org',
  'workspace',
  'instance',
  'plugin',
  'tool',
  'actor',
  'source',
  'started_at',
  'emitted_at',
  'duration_us',
  'outcome',
  'error_code',
  'error_hash',
  'tokens_in',
  'tokens_out',
  'trace_id',
  'span_id',
  'policy_decision',
  'policy_rule_id',
  'source_partition',
  'source_offset',
  'kafka_at',
] as const satisfies readonly (keyof ToolInvocationRow)[];
type Missing = Exclude<keyof ToolInvocationRow, (typeof COLUMNS)[number]>;
const _allColumns: [Missing] extends [never] ? true : Missing = true;

/**
 * Writes rows in one insert. Re-inserting rows already stored is safe
 * (ReplacingMergeTree folds them; counts read with FINAL), which is what lets
 * a sink retry a whole batch after a failure. Throws a StoreError whose
 * `retriable` says whether retrying can help.
 *
 * Format: RowBinary from a file on the embedded engine
 * (invocations-row-binary.ts); a server gets JSONCompactEachRow (JSON arrays
 * in COLUMNS order), the JSONEachRow family without repeating the key names
 * per row. `stamp`: the org's samples window per row (OrgRetention.stamp);
 * absent, the column's default.
 */
export async function insertToolInvocations(store: Store, rows: readonly ToolInvocationRow[], stamp?: RetentionStamp): Promise<void> {
  if (rows.length === 0) return;
  try {
    if (store.kind === 'embedded') {
      const columns = stamp ? [...COLUMNS, 'retention_days'] : COLUMNS;
      await insertRowBinaryEmbedded(store, 'tool_invocations', columns, encodeInvocationsRowBinary(rows, stamp));
      return;
    }
    const { columns, values } = stamped(COLUMNS, rows, (row) => COLUMNS.map((c) => row[c] ?? null), stamp);
    await store.client.insert({ table: 'tool_invocations', columns, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} tool_invocations rows`);
  }
}

/**
 * A tool_invocations row already in RowBinary, in COLUMNS order without
 * retention_days (CallRowTranscoder, or encodeInvocationRow):
 * `row.subarray(start, end)`, and its org for the retention stamp.
 */
export interface EncodedInvocation {
  readonly org: string;
  readonly row: Buffer;
  readonly start: number;
  readonly end: number;
}

/** One row in the form insertEncodedInvocations takes (a call the transcoder left to the general path). */
export function encodeInvocationRow(row: ToolInvocationRow): EncodedInvocation {
  const bytes = encodeInvocationsRowBinary([row]);
  return { org: row.org, row: bytes, start: 0, end: bytes.length };
}

/**
 * insertToolInvocations for rows encoded as they were read, embedded engine
 * only: one copy of each row into the insert's body, with its org's
 * retention stamp after it when stamped.
 */
export async function insertEncodedInvocations(store: Store, rows: readonly EncodedInvocation[], stamp?: RetentionStamp): Promise<void> {
  if (rows.length === 0) return;
  try {
    // Sized for the whole body up front: no growing copy by copy.
    let size = stamp ? 2 * rows.length : 0;
    for (const r of rows) size += r.end - r.start;
    const w = new RowBinaryWriter(size);
    for (const r of rows) {
      w.bytes(r.row, r.start, r.end);
      if (stamp) w.uint16(stamp(r.org));
    }
    await insertRowBinaryEmbedded(store, 'tool_invocations', stamp ? [...COLUMNS, 'retention_days'] : COLUMNS, w.view());
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} tool_invocations rows`);
  }
}
