import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DayTotalsRow, RollupRow } from '@mcpg/rollup';
import type { Store } from '../create-store.ts';
import { createTestStore } from '../testing.ts';
import { insertDayTotals } from '../rollups/insert-day-totals.ts';
import { insertRollups } from '../rollups/insert-rollups.ts';
import { insertToolInvocations } from '../tool-invocations/insert-tool-invocations.ts';
import type { ToolInvocationRow } from '../tool-invocations/tool-invocation-row.ts';
import { OTHER_GROUP, queryTokenUsage } from './query-token-usage.ts';

let store: Store;
before(async () => {
  store = await createTestStore();
});
after(async () => {
  await store.close();
});

const H = 3_600_000;
const T = Date.UTC(2026, 10, 20, 0, 0, 0);

function rollup(over: Partial<RollupRow>): RollupRow {
  return {
    org: 'acme', workspace: 'prod', plugin: 'github', tool: 'search', minute: T, source_partition: 0, chunk_start: 0, last_offset: 1,
    calls: 1, errors: 0, outcomes: { ok: 1, error: 0, denied: 0, timeout: 0, cancelled: 0 }, tokens_in: 0, tokens_out: 0,
    duration_us_sum: 1000, latency_min_ms: 1, latency_max_ms: 1, latency_means: [1], latency_weights: [1], ...over,
  };
}

test('tokens per server and hour, heaviest first, the rest as __other__, totals over the range', async () => {
  await insertRollups(store, [
    rollup({ plugin: 'github', minute: T, tokens_in: 100, tokens_out: 50 }),
    rollup({ plugin: 'github', tool: 'create_pr', minute: T + 60_000, tokens_in: 10, tokens_out: 5 }),
    rollup({ plugin: 'slack', minute: T + H, tokens_in: 30, tokens_out: 30 }),
    rollup({ plugin: 'jira', minute: T + H, tokens_in: 1, tokens_out: 1 }),
    rollup({ plugin: 'jira', minute: T + 5 * H, tokens_in: 1000, tokens_out: 0 }), // outside the range
    rollup({ org: 'other', plugin: 'github', minute: T, tokens_in: 999, tokens_out: 999 }),
  ]);
  // A replayed chunk rewrites its row with a higher last_offset: counted once, with the newer figures.
  await insertRollups(store, [rollup({ plugin: 'slack', minute: T + H, tokens_in: 40, tokens_out: 30, last_offset: 2 })]);
  const usage = await queryTokenUsage(store, { org: 'acme', fromMs: T, toMs: T + 2 * H, groupBy: 'server', interval: 'hour', top: 2 });
  assert.deepEqual(usage.top, [
    { group: 'github', input: 110, output: 55, total: 165 },
    { group: 'slack', input: 40, output: 30, total: 70 },
  ]);
  assert.deepEqual(usage.series, [
    { bucketMs: T, group: 'github', input: 110, output: 55, total: 165 },
    { bucketMs: T + H, group: OTHER_GROUP, input: 1, output: 1, total: 2 },
    { bucketMs: T + H, group: 'slack', input: 40, output: 30, total: 70 },
  ]);
  assert.deepEqual(usage.totals, { input: 151, output: 86, total: 237 });
  const tools = await queryTokenUsage(store, { org: 'acme', fromMs: T, toMs: T + 2 * H, groupBy: 'tool', interval: 'day', top: 10 });
  assert.deepEqual(tools.top.map((t) => t.group), ['github__search', 'slack__search', 'github__create_pr', 'jira__search']);
  assert.deepEqual(tools.series.map((s) => s.bucketMs), [T, T, T, T]);
});

test('per day: whole days from the day totals (also once their minute rows expired), partial days from the minute rows', async () => {
  const D = Date.UTC(2026, 10, 10);
  const org = 'daily';
  const day = (dayMs: number, tokensIn: number, tokensOut: number): DayTotalsRow => {
    const { minute: _minute, latency_min_ms: _a, latency_max_ms: _b, latency_means: _c, latency_weights: _d, ...counters } = rollup({ org, tokens_in: tokensIn, tokens_out: tokensOut });
    return { ...counters, day: dayMs };
  };
  await insertRollups(store, [
    rollup({ org, minute: D - 7 * H, tokens_in: 1000, tokens_out: 1000 }), // before the range
    rollup({ org, minute: D - 2 * H, tokens_in: 5, tokens_out: 1 }),
    rollup({ org, minute: D + 4 * H, tokens_in: 10, tokens_out: 10 }), // also in day D's totals
    rollup({ org, minute: D + 48 * H + H, tokens_in: 7, tokens_out: 2 }),
    rollup({ org, minute: D + 48 * H + 4 * H, tokens_in: 1000, tokens_out: 1000 }), // after the range
  ]);
  // Day D+1 has day totals only: its minute rows are past their 90 days.
  await insertDayTotals(store, [day(D, 10, 10), day(D + 24 * H, 20, 0)]);
  const usage = await queryTokenUsage(store, { org, fromMs: D - 6 * H, toMs: D + 48 * H + 3 * H, groupBy: 'server', interval: 'day', top: 5 });
  assert.deepEqual(usage.series.map((s) => [s.bucketMs, s.input, s.output]), [
    [D - 24 * H, 5, 1],
    [D, 10, 10],
    [D + 24 * H, 20, 0],
    [D + 48 * H, 7, 2],
  ]);
  assert.deepEqual(usage.totals, { input: 42, output: 13, total: 55 });
  // Per hour everything comes from the minute rows.
  const hourly = await queryTokenUsage(store, { org, fromMs: D - 6 * H, toMs: D + 48 * H + 3 * H, groupBy: 'server', interval: 'hour', top: 5 });
  assert.deepEqual(hourly.totals, { input: 22, output: 13, total: 35 });
});

test('tokens per actor come from the raw calls', async () => {
  let n = 0;
  const call = (actor: string, tokensIn: number, tokensOut: number): ToolInvocationRow => ({
    event_id: `tok-${n++}`, org: 'actors', workspace: 'prod', instance: 'gw', plugin: 'github', tool: 'search', actor, source: 'mcp',
    started_at: T + n * 1000, emitted_at: T + n * 1000, duration_us: 1, outcome: 'ok', error_code: '', error_hash: '', tokens_in: tokensIn,
    tokens_out: tokensOut, trace_id: '', span_id: '', policy_decision: 'permit', policy_rule_id: '', source_partition: 0, source_offset: n,
  });
  const rows = [call('alice', 5, 5), call('bob', 1, 2), call('alice', 10, 0)];
  await insertToolInvocations(store, rows);
  await insertToolInvocations(store, rows); // re-delivered
  const usage = await queryTokenUsage(store, { org: 'actors', fromMs: T, toMs: T + H, groupBy: 'actor', interval: 'hour', top: 5 });
  assert.deepEqual(usage.top, [
    { group: 'alice', input: 15, output: 5, total: 20 },
    { group: 'bob', input: 1, output: 2, total: 3 },
  ]);
  assert.deepEqual(usage.totals, { input: 16, output: 7, total: 23 });
});
