import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ToolCallEvent } from '@mcpg/events';
import { RollupFold, type DayTotalsRow, type HourTotalsRow, type RollupRow } from '@mcpg/rollup';
import type { Store } from '../create-store.ts';
import { createTestStore, utcDaysAgo } from '../testing.ts';
import { insertDayTotals } from '../rollups/insert-day-totals.ts';
import { insertHourTotals } from '../rollups/insert-hour-totals.ts';
import { insertRollups } from '../rollups/insert-rollups.ts';
import { insertToolInvocations } from '../tool-invocations/insert-tool-invocations.ts';
import type { ToolInvocationRow } from '../tool-invocations/tool-invocation-row.ts';
import { OTHER_GROUP, queryTokenUsage, type TokenUsageQuery } from './query-token-usage.ts';

let store: Store;
before(async () => {
  store = await createTestStore();
});
after(async () => {
  await store.close();
});

const H = 3_600_000;
/** Day `d` (1–26) of the fixture's month, which ends yesterday: inside every plan's window. */
const dayOf = (d: number, h = 0, m = 0, s = 0, ms = 0) => utcDaysAgo(26 - d, h, m, s, ms);
const T = dayOf(20, 0, 0, 0);

function rollup(over: Partial<RollupRow>): RollupRow {
  return {
    org: 'acme', workspace: 'prod', plugin: 'github', tool: 'search', minute: T, source_partition: 0, chunk_start: 0, last_offset: 1,
    calls: 1, errors: 0, outcomes: { ok: 1, error: 0, denied: 0, timeout: 0, cancelled: 0 }, tokens_in: 0, tokens_out: 0,
    duration_us_sum: 1000, latency_min_ms: 1, latency_max_ms: 1, latency_means: [1], latency_weights: [1], ...over,
  };
}

/** The hour totals the fold writes beside minute rows of one chunk version: summed per (labels, hour, partition, chunk). */
function hoursOf(rows: readonly RollupRow[]): HourTotalsRow[] {
  const out = new Map<string, HourTotalsRow>();
  for (const r of rows) {
    const hour = r.minute - (r.minute % H);
    const key = JSON.stringify([r.org, r.workspace, r.plugin, r.tool, hour, r.source_partition, r.chunk_start]);
    const h = out.get(key);
    out.set(key, {
      org: r.org, workspace: r.workspace, plugin: r.plugin, tool: r.tool, hour, source_partition: r.source_partition, chunk_start: r.chunk_start,
      last_offset: Math.max(r.last_offset, h?.last_offset ?? -1), calls: r.calls + (h?.calls ?? 0),
      tokens_in: r.tokens_in + (h?.tokens_in ?? 0), tokens_out: r.tokens_out + (h?.tokens_out ?? 0),
    });
  }
  return [...out.values()];
}

/** Both paths: the tiers, and the minute rows alone; they must agree. */
async function usageBothWays(q: TokenUsageQuery) {
  const [tiers, minutes] = await Promise.all([queryTokenUsage(store, q), queryTokenUsage(store, { ...q, minuteRowsOnly: true })]);
  assert.deepEqual(tiers, minutes, `the tiers and the minute rows agree on ${JSON.stringify(q)}`);
  return tiers;
}

test('tokens per server and hour, heaviest first, the rest as __other__, totals over the range', async () => {
  const rows = [
    rollup({ plugin: 'github', minute: T, tokens_in: 100, tokens_out: 50 }),
    rollup({ plugin: 'github', tool: 'create_pr', minute: T + 60_000, tokens_in: 10, tokens_out: 5 }),
    rollup({ plugin: 'slack', minute: T + H, tokens_in: 30, tokens_out: 30 }),
    rollup({ plugin: 'jira', minute: T + H, tokens_in: 1, tokens_out: 1 }),
    rollup({ plugin: 'jira', minute: T + 5 * H, tokens_in: 1000, tokens_out: 0 }), // outside the range
    rollup({ org: 'other', plugin: 'github', minute: T, tokens_in: 999, tokens_out: 999 }),
  ];
  await Promise.all([insertRollups(store, rows), insertHourTotals(store, hoursOf(rows))]);
  // A replayed chunk rewrites its rows with a higher last_offset: counted once, with the newer figures.
  const replayed = [rollup({ plugin: 'slack', minute: T + H, tokens_in: 40, tokens_out: 30, last_offset: 2 })];
  await Promise.all([insertRollups(store, replayed), insertHourTotals(store, hoursOf(replayed))]);
  const usage = await usageBothWays({ org: 'acme', fromMs: T, toMs: T + 2 * H, groupBy: 'server', interval: 'hour', top: 2 });
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

test('per day: whole days from the day totals (also once their minute rows expired), partial days from the hour and minute rows', async () => {
  const D = dayOf(10);
  const org = 'daily';
  const day = (dayMs: number, tokensIn: number, tokensOut: number): DayTotalsRow => {
    const { minute: _minute, latency_min_ms: _a, latency_max_ms: _b, latency_means: _c, latency_weights: _d, ...counters } = rollup({ org, tokens_in: tokensIn, tokens_out: tokensOut });
    return { ...counters, day: dayMs };
  };
  const minutes = [
    rollup({ org, minute: D - 7 * H, tokens_in: 1000, tokens_out: 1000 }), // before the range
    rollup({ org, minute: D - 2 * H, tokens_in: 5, tokens_out: 1 }),
    rollup({ org, minute: D + 4 * H, tokens_in: 10, tokens_out: 10 }), // also in day D's totals
    rollup({ org, minute: D + 48 * H + H, tokens_in: 7, tokens_out: 2 }),
    rollup({ org, minute: D + 48 * H + 4 * H, tokens_in: 1000, tokens_out: 1000 }), // after the range
  ];
  await Promise.all([insertRollups(store, minutes), insertHourTotals(store, hoursOf(minutes))]);
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
  // Per hour the day totals are of no use: day D+1, whose minute and hour rows are gone, is missing.
  const hourly = await usageBothWays({ org, fromMs: D - 6 * H, toMs: D + 48 * H + 3 * H, groupBy: 'server', interval: 'hour', top: 5 });
  assert.deepEqual(hourly.totals, { input: 22, output: 13, total: 35 });
});

// A worker's writes over three days of calls: every tier taken after random
// batches (each row version cumulative within its chunk), and part of the
// log folded and written again by a restarted worker (older versions of the
// same keys). Returns the calls, for figures computed without the store.
async function foldAndStore(org: string, seed: number): Promise<ToolCallEvent[]> {
  let s = seed;
  const rand = () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
  const start = dayOf(1, 21, 17, 23);
  const span = 3 * 24 * H;
  const events: { partition: number; offset: number; event: ToolCallEvent }[] = [];
  const next = [0, 0];
  for (let i = 0; i < 8_000; i++) {
    const partition = rand() < 0.5 ? 0 : 1;
    const event = {
      event_id: `${org}-${i}`, org, workspace: ['prod', 'dev'][Math.floor(rand() * 2)]!, instance: 'gw-1',
      plugin: ['github', 'slack', 'jira'][Math.floor(rand() * 3)]!, tool: ['search', 'post', 'get'][Math.floor(rand() * 3)]!,
      actor: 'a', source: 'mcp', started_at: start + Math.floor(rand() * span), emitted_at: start, duration_us: 1_000, outcome: 'ok',
      error_code: null, error_message: null, tokens_in: Math.floor(rand() * 500), tokens_out: Math.floor(rand() * 2_000),
      trace_id: null, span_id: null, policy_decision: 'permit', policy_rule_id: null,
    } satisfies ToolCallEvent;
    events.push({ partition, offset: next[partition]!++, event });
  }
  const write = async (fold: RollupFold) => {
    await Promise.all([insertRollups(store, fold.takeRows()), insertDayTotals(store, fold.takeDayTotals()), insertHourTotals(store, fold.takeHourTotals())]);
  };
  const options = { chunkSize: 1_500 };
  const fold = new RollupFold(options);
  for (const [i, e] of events.entries()) {
    fold.add(e.partition, e.offset, e.event);
    if (i % 997 === 0) await write(fold);
  }
  await write(fold);
  // A restarted worker refolds the first chunks and writes their rows again.
  const replay = new RollupFold(options);
  for (const e of events) if (e.offset < 3_000) replay.add(e.partition, e.offset, e.event);
  await write(replay);
  return events.map((e) => e.event);
}

test('the tiers and the minute rows give the same figures, for ranges that start and end mid-hour, on the hour and mid-day', async () => {
  const org = 'tiers';
  const calls = await foldAndStore(org, 7);
  const M = 60_000;
  const from0 = dayOf(1, 21, 17, 23);
  const ranges: [number, number][] = [
    [from0 - H, from0 + 3 * 24 * H + H], // everything
    [dayOf(2, 3, 41, 5, 500), dayOf(4, 13, 2, 59, 999)], // mid-hour at both ends, two partial days
    [dayOf(2, 3), dayOf(3, 5)], // on the hour
    [dayOf(2), dayOf(4)], // whole days
    [dayOf(2, 10, 30), dayOf(2, 11, 29)], // no whole hour
    [dayOf(2, 10, 30), dayOf(2, 12, 29)], // one whole hour
    [dayOf(2, 23, 59, 30), dayOf(3, 1, 0, 30)], // across midnight, mid-minute
    [dayOf(2, 10) + 30 * M, dayOf(2, 10) + 31 * M], // one minute
  ];
  for (const [fromMs, toMs] of ranges) {
    // What the calls say, without the store: every call whose minute starts in the range.
    const minuteOf = (ms: number) => ms - (ms % M);
    const inRange = calls.filter((c) => minuteOf(c.started_at) >= Math.floor(fromMs / 1000) * 1000 && minuteOf(c.started_at) < toMs);
    const input = inRange.reduce((n, c) => n + c.tokens_in, 0);
    const output = inRange.reduce((n, c) => n + c.tokens_out, 0);
    for (const groupBy of ['server', 'tool', 'workspace'] as const) {
      for (const interval of ['hour', 'day'] as const) {
        const usage = await usageBothWays({ org, fromMs, toMs, groupBy, interval, top: 3 });
        assert.deepEqual(usage.totals, { input, output, total: input + output }, `${new Date(fromMs).toISOString()}..${new Date(toMs).toISOString()} ${groupBy} ${interval}`);
        const bucketMs = interval === 'hour' ? H : 24 * H;
        const perBucket = new Map<number, number>();
        for (const c of inRange) perBucket.set(c.started_at - (c.started_at % bucketMs), (perBucket.get(c.started_at - (c.started_at % bucketMs)) ?? 0) + c.tokens_in);
        const got = new Map<number, number>();
        for (const r of usage.series) got.set(r.bucketMs, (got.get(r.bucketMs) ?? 0) + r.input);
        assert.deepEqual([...got].sort((a, b) => a[0] - b[0]), [...perBucket].sort((a, b) => a[0] - b[0]));
      }
    }
  }
});

test('per hour, whole hours come from the hour totals: an hour whose minute rows expired still counts', async () => {
  const org = 'hourly';
  const calls = await foldAndStore(org, 11);
  const gone = dayOf(2, 7);
  // As the minute rows' 90-day TTL would, before the hour totals' 180 days.
  await store.client.command({
    query: 'ALTER TABLE tool_rollups_1m DELETE WHERE org = {org:String} AND toStartOfHour(minute) = toDateTime({h:UInt32}, \'UTC\')',
    query_params: { org, h: gone / 1000 },
    clickhouse_settings: { mutations_sync: '2' },
  });
  const want = calls.filter((c) => c.started_at - (c.started_at % H) === gone).reduce((n, c) => n + c.tokens_in, 0);
  assert.ok(want > 0);
  const q = { org, fromMs: gone - 30 * 60_000, toMs: gone + H + 30 * 60_000, groupBy: 'workspace', interval: 'hour', top: 5 } as const;
  const bucket = async (minuteRowsOnly: boolean) =>
    (await queryTokenUsage(store, { ...q, minuteRowsOnly })).series.filter((r) => r.bucketMs === gone).reduce((n, r) => n + r.input, 0);
  assert.equal(await bucket(false), want);
  assert.equal(await bucket(true), 0, 'the minute rows of that hour are gone');
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
