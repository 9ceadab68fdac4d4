import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { stamped, type RetentionStamp } from '../retention/retention-stamp.ts';
import type { PayloadRow } from './payload-row.ts';
import { PAYLOAD_TABLES } from './query-payloads.ts';

const COLUMNS = [
  'org',
  'event_id',
  'field',
  'workspace',
  'instance',
  'key_version',
  'nonce',
  'ciphertext',
  'tag',
  'original_bytes',
  'truncated',
  'started_at',
  'source_partition',
  'source_offset',
] as const satisfies readonly (keyof PayloadRow)[];
type Missing = Exclude<keyof PayloadRow, (typeof COLUMNS)[number]>;
const _allColumns: [Missing] extends [never] ? true : Missing = true;

/**
 * One insert; re-inserting stored rows is safe (ReplacingMergeTree on org,
 * event_id, field). `stamp`: the org's payloads window per row
 * (OrgRetention.stamp('payloads')); absent, the column's default.
 */
export async function insertPayloads(store: Store, rows: readonly PayloadRow[], stamp?: RetentionStamp): Promise<void> {
  if (rows.length === 0) return;
  const { columns, values } = stamped(COLUMNS, rows, (row) => COLUMNS.map((c) => row[c]), stamp);
  try {
    await store.client.insert({ table: PAYLOAD_TABLES[0], columns, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} ${PAYLOAD_TABLES[0]} rows`);
  }
}
