// Writes per-minute rollup rows. Rows are versions of (labels, minute,
// partition, chunk): rewriting one is how a growing chunk is updated and how a
// replay after a crash lands on the same key (schemas/clickhouse/003).
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

/** The shape libs/rollup folds; timestamps in epoch ms. */
export interface RollupInsertRow {
  readonly org: string;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  readonly minute: number;
  readonly source_partition: number;
  readonly chunk_start: number;
  readonly last_offset: number;
  readonly calls: number;
  readonly errors: number;
  readonly outcomes: Readonly<Record<'ok' | 'error' | 'denied' | 'timeout' | 'cancelled', number>>;
  readonly tokens_in: number;
  readonly tokens_out: number;
  readonly duration_us_sum: number;
  readonly latency_min_ms: number;
  readonly latency_max_ms: number;
  readonly latency_means: readonly number[];
  readonly latency_weights: readonly number[];
}

const COLUMNS: [string, ...string[]] = [
  'org', 'workspace', 'plugin', 'tool', 'minute', 'source_partition', 'chunk_start', 'last_offset',
  'calls', 'errors', 'outcome_ok', 'outcome_error', 'outcome_denied', 'outcome_timeout', 'outcome_cancelled',
  'tokens_in', 'tokens_out', 'duration_us_sum', 'latency_min_ms', 'latency_max_ms', 'latency_means', 'latency_weights',
];

export async function insertRollups(store: Store, rows: readonly RollupInsertRow[]): Promise<void> {
  if (!rows.length) return;
  const values = rows.map((r) => [
    r.org, r.workspace, r.plugin, r.tool, Math.floor(r.minute / 1000), r.source_partition, r.chunk_start, r.last_offset,
    r.calls, r.errors, r.outcomes.ok, r.outcomes.error, r.outcomes.denied, r.outcomes.timeout, r.outcomes.cancelled,
    r.tokens_in, r.tokens_out, r.duration_us_sum, r.latency_min_ms, r.latency_max_ms, r.latency_means, r.latency_weights,
  ]);
  try {
    await store.client.insert({ table: 'tool_rollups_1m', columns: COLUMNS, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} tool_rollups_1m rows`);
  }
}
