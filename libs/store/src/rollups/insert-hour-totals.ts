// Writes hour totals (schemas/clickhouse/013), versions of
// (labels, hour, partition, chunk) like the minute rows.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import type { HourTotalsRow } from '@mcpg/rollup';
import { stamped, type RetentionStamp } from '../retention/retention-stamp.ts';
import { insertRowBinaryEmbedded } from '../ledger/encoded-insert.ts';
import { encodeRollupRows } from './rollup-row-binary.ts';
import type { RowBinaryWriter } from '../ledger/row-binary.ts';

const COLUMNS: [string, ...string[]] = [
  'org', 'workspace', 'plugin', 'tool', 'hour', 'source_partition', 'chunk_start', 'last_offset', 'calls', 'tokens_in', 'tokens_out',
];

function writeHourValues(w: RowBinaryWriter, r: HourTotalsRow): void {
  w.uint64(r.calls);
  w.uint64(r.tokens_in);
  w.uint64(r.tokens_out);
}

/** `stamp`: the org's rollups_1h window per row; absent, the column's default. */
export async function insertHourTotals(store: Store, rows: readonly HourTotalsRow[], stamp?: RetentionStamp): Promise<void> {
  if (!rows.length) return;
  if (store.kind === 'embedded') {
    try {
      const body = encodeRollupRows(rows, { labels: true, time: 'datetime', start: (r) => r.hour, values: writeHourValues }, stamp);
      await insertRowBinaryEmbedded(store, 'tool_totals_1h', stamp ? [...COLUMNS, 'retention_days'] : COLUMNS, body);
    } catch (err) {
      throw toStoreError(err, `inserting ${rows.length} tool_totals_1h rows`);
    }
    return;
  }
  const { columns, values } = stamped(COLUMNS, rows, (r) => [
    r.org, r.workspace, r.plugin, r.tool, Math.floor(r.hour / 1000), r.source_partition, r.chunk_start, r.last_offset,
    r.calls, r.tokens_in, r.tokens_out,
  ], stamp);
  try {
    await store.client.insert({ table: 'tool_totals_1h', columns, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} tool_totals_1h rows`);
  }
}
