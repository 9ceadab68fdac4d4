// Writes hour and day digest rows (schemas/clickhouse 015 and 016), versions
// of (labels, hour or day, partition, chunk) like the minute rows.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import type { TierRollupRow } from '@mcpg/rollup';
import { stamped, type RetentionStamp } from '../retention/retention-stamp.ts';
import { insertRowBinaryEmbedded } from '../ledger/encoded-insert.ts';
import { encodeRollupRows, writeDigestValues } from './rollup-row-binary.ts';

const TABLES = { hour: { table: 'tool_rollups_1h', time: 'hour' }, day: { table: 'tool_rollups_1d', time: 'day' } } as const;

function columns(time: string): [string, ...string[]] {
  return [
    'org', 'workspace', 'plugin', 'tool', time, 'source_partition', 'chunk_start', 'last_offset',
    'calls', 'errors', 'outcome_ok', 'outcome_error', 'outcome_denied', 'outcome_timeout', 'outcome_cancelled',
    'tokens_in', 'tokens_out', 'duration_us_sum', 'latency_min_ms', 'latency_max_ms', 'latency_means', 'latency_weights',
  ];
}
const COLUMNS = { hour: columns('hour'), day: columns('day') };

/** `stamp`: the org's rollups_1h or rollups_1d window per row; absent, the column's default. */
export async function insertTierRollups(store: Store, tier: 'hour' | 'day', rows: readonly TierRollupRow[], stamp?: RetentionStamp): Promise<void> {
  if (!rows.length) return;
  if (store.kind === 'embedded') {
    const { table } = TABLES[tier];
    try {
      const body = encodeRollupRows(rows, { labels: true, time: tier === 'hour' ? 'datetime' : 'date', start: (r) => r.start, values: writeDigestValues }, stamp);
      await insertRowBinaryEmbedded(store, table, stamp ? [...COLUMNS[tier], 'retention_days'] : COLUMNS[tier], body);
    } catch (err) {
      throw toStoreError(err, `inserting ${rows.length} ${table} rows`);
    }
    return;
  }
  // day is a Date column, written as YYYY-MM-DD like the day totals.
  const time = tier === 'hour' ? (ms: number) => Math.floor(ms / 1000) : (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const { columns, values } = stamped(COLUMNS[tier], rows, (r) => [
    r.org, r.workspace, r.plugin, r.tool, time(r.start), r.source_partition, r.chunk_start, r.last_offset,
    r.calls, r.errors, r.outcomes.ok, r.outcomes.error, r.outcomes.denied, r.outcomes.timeout, r.outcomes.cancelled,
    r.tokens_in, r.tokens_out, r.duration_us_sum, r.latency_min_ms, r.latency_max_ms, r.latency_means, r.latency_weights,
  ], stamp);
  const { table } = TABLES[tier];
  try {
    await store.client.insert({ table, columns, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} ${table} rows`);
  }
}
