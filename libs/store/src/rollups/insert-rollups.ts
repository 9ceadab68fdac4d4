// Writes per-minute rollup rows. Rows are versions of (labels, minute,
// partition, chunk): rewriting one is how a growing chunk is updated and how a
// replay after a crash lands on the same key (schemas/clickhouse/003).
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import type { RollupRow } from '@mcpg/rollup';
import { stamped, type RetentionStamp } from '../retention/retention-stamp.ts';
import { insertRowBinaryEmbedded } from '../ledger/encoded-insert.ts';
import { encodeRollupRows, writeDigestValues } from './rollup-row-binary.ts';

const COLUMNS: [string, ...string[]] = [
  'org', 'workspace', 'plugin', 'tool', 'minute', 'source_partition', 'chunk_start', 'last_offset',
  'calls', 'errors', 'outcome_ok', 'outcome_error', 'outcome_denied', 'outcome_timeout', 'outcome_cancelled',
  'tokens_in', 'tokens_out', 'duration_us_sum', 'latency_min_ms', 'latency_max_ms', 'latency_means', 'latency_weights',
];

/** `stamp`: the org's rollups_1m window per row (OrgRetention.stamp); absent, the column's default. */
export async function insertRollups(store: Store, rows: readonly RollupRow[], stamp?: RetentionStamp): Promise<void> {
  if (!rows.length) return;
  if (store.kind === 'embedded') {
    try {
      const body = encodeRollupRows(rows, { labels: true, time: 'datetime', start: (r) => r.minute, values: writeDigestValues }, stamp);
      await insertRowBinaryEmbedded(store, 'tool_rollups_1m', stamp ? [...COLUMNS, 'retention_days'] : COLUMNS, body);
    } catch (err) {
      throw toStoreError(err, `inserting ${rows.length} tool_rollups_1m rows`);
    }
    return;
  }
  const { columns, values } = stamped(COLUMNS, rows, (r) => [
    r.org, r.workspace, r.plugin, r.tool, Math.floor(r.minute / 1000), r.source_partition, r.chunk_start, r.last_offset,
    r.calls, r.errors, r.outcomes.ok, r.outcomes.error, r.outcomes.denied, r.outcomes.timeout, r.outcomes.cancelled,
    r.tokens_in, r.tokens_out, r.duration_us_sum, r.latency_min_ms, r.latency_max_ms, r.latency_means, r.latency_weights,
  ], stamp);
  try {
    await store.client.insert({ table: 'tool_rollups_1m', columns, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} tool_rollups_1m rows`);
  }
}
