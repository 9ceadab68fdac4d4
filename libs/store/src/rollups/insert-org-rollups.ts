// Writes the org-wide rows (schemas/clickhouse 040): every call of an org per
// minute, hour and day, versions of (org, start, partition, chunk) like the
// per-label-set tiers.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import type { TierRollupRow } from '@mcpg/rollup';
import { stamped, type RetentionStamp } from '../retention/retention-stamp.ts';
import { insertRowBinaryEmbedded } from '../ledger/encoded-insert.ts';
import { encodeRollupRows, writeDigestValues } from './rollup-row-binary.ts';

export const ORG_ROLLUP_TABLES = { minute: 'tool_rollups_org_1m', hour: 'tool_rollups_org_1h', day: 'tool_rollups_org_1d' } as const;
export type OrgRollupTier = keyof typeof ORG_ROLLUP_TABLES;

function columns(time: string): [string, ...string[]] {
  return [
    'org', time, 'source_partition', 'chunk_start', 'last_offset',
    'calls', 'errors', 'outcome_ok', 'outcome_error', 'outcome_denied', 'outcome_timeout', 'outcome_cancelled',
    'tokens_in', 'tokens_out', 'duration_us_sum', 'latency_min_ms', 'latency_max_ms', 'latency_means', 'latency_weights',
  ];
}
const COLUMNS = { minute: columns('minute'), hour: columns('hour'), day: columns('day') };
// day is a Date column, written as YYYY-MM-DD like the day totals.
const TIME = {
  minute: (ms: number) => Math.floor(ms / 1000),
  hour: (ms: number) => Math.floor(ms / 1000),
  day: (ms: number) => new Date(ms).toISOString().slice(0, 10),
};

/**
 * Rows from RollupFold.takeOrgRollups() (their workspace, plugin and tool are
 * empty and not stored). `stamp`: the org's rollups_1m/1h/1d window per row,
 * like the label-set tier of the same step; absent, the column's default.
 */
export async function insertOrgRollups(store: Store, tier: OrgRollupTier, rows: readonly TierRollupRow[], stamp?: RetentionStamp): Promise<void> {
  if (!rows.length) return;
  if (store.kind === 'embedded') {
    const table = ORG_ROLLUP_TABLES[tier];
    try {
      const body = encodeRollupRows(rows, { labels: false, time: tier === 'day' ? 'date' : 'datetime', start: (r) => r.start, values: writeDigestValues }, stamp);
      await insertRowBinaryEmbedded(store, table, stamp ? [...COLUMNS[tier], 'retention_days'] : COLUMNS[tier], body);
    } catch (err) {
      throw toStoreError(err, `inserting ${rows.length} ${table} rows`);
    }
    return;
  }
  const time = TIME[tier];
  const { columns, values } = stamped(COLUMNS[tier], rows, (r) => [
    r.org, time(r.start), r.source_partition, r.chunk_start, r.last_offset,
    r.calls, r.errors, r.outcomes.ok, r.outcomes.error, r.outcomes.denied, r.outcomes.timeout, r.outcomes.cancelled,
    r.tokens_in, r.tokens_out, r.duration_us_sum, r.latency_min_ms, r.latency_max_ms, r.latency_means, r.latency_weights,
  ], stamp);
  const table = ORG_ROLLUP_TABLES[tier];
  try {
    await store.client.insert({ table, columns, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} ${table} rows`);
  }
}

/** The three org-wide tiers of one take, written side by side. */
export async function insertOrgRollupTiers(
  store: Store,
  rows: { readonly minutes: readonly TierRollupRow[]; readonly hours: readonly TierRollupRow[]; readonly days: readonly TierRollupRow[] },
  stamps?: { readonly minute: RetentionStamp; readonly hour: RetentionStamp; readonly day: RetentionStamp },
): Promise<void> {
  await Promise.all([
    insertOrgRollups(store, 'minute', rows.minutes, stamps?.minute),
    insertOrgRollups(store, 'hour', rows.hours, stamps?.hour),
    insertOrgRollups(store, 'day', rows.days, stamps?.day),
  ]);
}
