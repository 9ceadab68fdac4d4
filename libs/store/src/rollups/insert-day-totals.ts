// Writes lifetime day totals (schemas/clickhouse/007), versions of
// (labels, day, partition, chunk) like the minute rows.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import type { DayTotalsRow } from '@mcpg/rollup';
import { insertRowBinaryEmbedded } from '../ledger/encoded-insert.ts';
import { encodeRollupRows, writeCounters } from './rollup-row-binary.ts';

const COLUMNS: [string, ...string[]] = [
  'org', 'workspace', 'plugin', 'tool', 'day', 'source_partition', 'chunk_start', 'last_offset',
  'calls', 'errors', 'outcome_ok', 'outcome_error', 'outcome_denied', 'outcome_timeout', 'outcome_cancelled',
  'tokens_in', 'tokens_out', 'duration_us_sum',
];

export async function insertDayTotals(store: Store, rows: readonly DayTotalsRow[]): Promise<void> {
  if (!rows.length) return;
  if (store.kind === 'embedded') {
    try {
      await insertRowBinaryEmbedded(store, 'tool_totals_1d', COLUMNS, encodeRollupRows(rows, { labels: true, time: 'date', start: (r) => r.day, values: writeCounters }));
    } catch (err) {
      throw toStoreError(err, `inserting ${rows.length} tool_totals_1d rows`);
    }
    return;
  }
  const values = rows.map((r) => [
    r.org, r.workspace, r.plugin, r.tool, new Date(r.day).toISOString().slice(0, 10), r.source_partition, r.chunk_start, r.last_offset,
    r.calls, r.errors, r.outcomes.ok, r.outcomes.error, r.outcomes.denied, r.outcomes.timeout, r.outcomes.cancelled,
    r.tokens_in, r.tokens_out, r.duration_us_sum,
  ]);
  try {
    await store.client.insert({ table: 'tool_totals_1d', columns: COLUMNS, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} tool_totals_1d rows`);
  }
}
