// Every rollup tier the worker writes reads back exactly as written. The
// embedded engine gets these rows as RowBinary (rollup-row-binary.ts): a
// column out of place or of the wrong width shifts every value after it, so
// each table is read back column by column, stamped and not.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DayTotalsRow, HourTotalsRow, RollupRow, TierRollupRow } from '@mcpg/rollup';
import type { Store } from '../create-store.ts';
import { createTestStore } from '../testing.ts';
import { insertRollups } from './insert-rollups.ts';
import { insertTierRollups } from './insert-tier-rollups.ts';
import { insertOrgRollups } from './insert-org-rollups.ts';
import { insertDayTotals } from './insert-day-totals.ts';
import { insertHourTotals } from './insert-hour-totals.ts';

let store: Store;
before(async () => {
  store = await createTestStore();
});
after(async () => {
  await store.close();
});

const DAY = 86_400_000;
// Recent: a stamped window of a few days must not have expired the rows at insert.
const T = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 3_600_000;
// 300 centroids: an array count over 127 takes two bytes; means with fractions, weights over 2^32.
const means = Array.from({ length: 300 }, (_, i) => 0.125 + i * 1.7);
const weights = Array.from({ length: 300 }, (_, i) => (i === 0 ? 2 ** 33 : i + 1));
const counters = { calls: 2 ** 33 + 299 * 150 + 299, errors: 7, outcomes: { ok: 1, error: 2, denied: 3, timeout: 4, cancelled: 5 }, tokens_in: 2 ** 40, tokens_out: 9, duration_us_sum: 123_456_789 };
const digest = { latency_min_ms: 0.125, latency_max_ms: 508.425, latency_means: means, latency_weights: weights };
const source = (org: string) => ({ org, workspace: 'prod ø', plugin: 'git\n\nhub', tool: 'search', source_partition: 65535, chunk_start: 2 ** 40, last_offset: 2 ** 40 + 17 });

async function read(table: string, time: string, org: string, labels = true): Promise<Record<string, unknown>> {
  const keys = labels ? ['org', 'workspace', 'plugin', 'tool'] : ['org'];
  const rs = await store.client.query({
    query: `SELECT ${keys.join(', ')}, toString(toUnixTimestamp(${time}) * 1000) AS start, source_partition,
                   toString(chunk_start) AS chunk_start, toString(last_offset) AS last_offset,
                   * EXCEPT (${[...keys, time, 'source_partition', 'chunk_start', 'last_offset'].join(', ')})
            FROM ${table} WHERE org = {org:String}`,
    query_params: { org },
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 1 },
  });
  const rows = await rs.json<Record<string, unknown>>();
  assert.equal(rows.length, 1, `${table}: one row for ${org}`);
  return rows[0]!;
}

const digestColumns = (over: Record<string, unknown> = {}) => ({
  calls: String(counters.calls), errors: '7', outcome_ok: '1', outcome_error: '2', outcome_denied: '3', outcome_timeout: '4', outcome_cancelled: '5',
  tokens_in: String(2 ** 40), tokens_out: '9', duration_us_sum: '123456789',
  latency_min_ms: 0.125, latency_max_ms: 508.425, latency_means: means, latency_weights: weights.map(String), ...over,
});

test('minute, hour and day digest rows read back column by column, stamped and not', async () => {
  for (const stamp of [undefined, 11] as const) {
    const org = `digest-${stamp ?? 'default'}`;
    const minute: RollupRow = { ...source(org), ...counters, ...digest, minute: T };
    await insertRollups(store, [minute], stamp === undefined ? undefined : () => stamp);
    const hour: TierRollupRow = { ...source(org), ...counters, ...digest, start: T - (T % 3_600_000) };
    await insertTierRollups(store, 'hour', [hour], stamp === undefined ? undefined : () => stamp);
    const day: TierRollupRow = { ...source(org), ...counters, ...digest, start: T - (T % DAY) };
    await insertTierRollups(store, 'day', [day], stamp === undefined ? undefined : () => stamp);
    const key = { org, workspace: 'prod ø', plugin: 'git\n\nhub', tool: 'search', source_partition: 65535, chunk_start: String(2 ** 40), last_offset: String(2 ** 40 + 17) };
    assert.deepEqual(await read('tool_rollups_1m', 'minute', org), { ...key, start: String(T), ...digestColumns({ retention_days: stamp ?? 90 }) });
    assert.deepEqual(await read('tool_rollups_1h', 'hour', org), { ...key, start: String(hour.start), ...digestColumns({ retention_days: stamp ?? 180 }) });
    assert.deepEqual(await read('tool_rollups_1d', 'day', org), { ...key, start: String(day.start), ...digestColumns({ retention_days: stamp ?? 2557 }) });
  }
});

test('org-wide minute, hour and day rows read back column by column', async () => {
  const org = 'org-wide';
  const row = (start: number): TierRollupRow => ({ ...source(org), workspace: '', plugin: '', tool: '', ...counters, ...digest, start });
  await insertOrgRollups(store, 'minute', [row(T)], () => 3);
  await insertOrgRollups(store, 'hour', [row(T - (T % 3_600_000))]);
  await insertOrgRollups(store, 'day', [row(T - (T % DAY))], () => 400);
  const key = { org, source_partition: 65535, chunk_start: String(2 ** 40), last_offset: String(2 ** 40 + 17) };
  assert.deepEqual(await read('tool_rollups_org_1m', 'minute', org, false), { ...key, start: String(T), ...digestColumns({ retention_days: 3 }) });
  assert.deepEqual(await read('tool_rollups_org_1h', 'hour', org, false), { ...key, start: String(T - (T % 3_600_000)), ...digestColumns({ retention_days: 180 }) });
  assert.deepEqual(await read('tool_rollups_org_1d', 'day', org, false), { ...key, start: String(T - (T % DAY)), ...digestColumns({ retention_days: 400 }) });
});

test('day and hour totals read back column by column', async () => {
  const org = 'totals';
  const day: DayTotalsRow = { ...source(org), ...counters, day: T - (T % DAY) };
  await insertDayTotals(store, [day]);
  const hour: HourTotalsRow = { ...source(org), hour: T - (T % 3_600_000), calls: 5, tokens_in: 2 ** 35, tokens_out: 0 };
  await insertHourTotals(store, [hour], () => 12);
  const key = { org, workspace: 'prod ø', plugin: 'git\n\nhub', tool: 'search', source_partition: 65535, chunk_start: String(2 ** 40), last_offset: String(2 ** 40 + 17) };
  const { latency_min_ms: _a, latency_max_ms: _b, latency_means: _c, latency_weights: _d, ...dayCounters } = digestColumns();
  assert.deepEqual(await read('tool_totals_1d', 'day', org), { ...key, start: String(day.day), ...dayCounters });
  assert.deepEqual(await read('tool_totals_1h', 'hour', org), { ...key, start: String(hour.hour), calls: '5', tokens_in: String(2 ** 35), tokens_out: '0', retention_days: 12 });
});

test('a row refused halfway through its encoding leaves nothing behind for the next insert', async () => {
  const org = 'refused';
  const bad: RollupRow = { ...source(org), ...counters, ...digest, minute: T, tokens_out: -1 };
  await assert.rejects(insertRollups(store, [bad]));
  const good: RollupRow = { ...source(org), ...counters, ...digest, minute: T };
  await insertRollups(store, [good]);
  const key = { org, workspace: 'prod ø', plugin: 'git\n\nhub', tool: 'search', source_partition: 65535, chunk_start: String(2 ** 40), last_offset: String(2 ** 40 + 17) };
  assert.deepEqual(await read('tool_rollups_1m', 'minute', org), { ...key, start: String(T), ...digestColumns({ retention_days: 90 }) });
});
