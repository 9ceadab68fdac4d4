// granularity=hour over the real engine: the quantiles of the last closed
// UTC hour, kept between scrapes, always equal to the merge of that hour's
// stored digests (what the exposition computed on every scrape before),
// late calls included, and never another org's or another hour's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { insertDayTotals, insertTierRollups, WINDOW_QUANTILES } from '@mcpg/store';
import type { ToolCallEvent } from '@mcpg/events';
import { foldBatchTiers, type PositionedCall } from '@mcpg/rollup';
import { createTestApi, type TestApi } from '../testing/api-test-app.ts';

const HOUR = 3_600_000;
// A fixed clock 20 minutes into an hour: the last closed hour is [H0, H0 + 1 h).
const H0 = Date.UTC(2026, 11, 7, 10);
let clock = H0 + HOUR + 20 * 60_000;

let api: TestApi;
before(async () => {
  api = await createTestApi({ load: false, now: () => clock });
});
after(async () => {
  await api.close();
});

let offset = 0;
function call(over: Partial<ToolCallEvent>, at: number, partition = 0): PositionedCall {
  offset++;
  return {
    partition,
    offset,
    event: {
      event_id: `evt-${offset}`, org: 'acme', workspace: 'prod', instance: 'gw-1', plugin: 'github', tool: 'search',
      actor: 'alice', source: 'mcp', started_at: at, emitted_at: at + 2, duration_us: 1_000, outcome: 'ok',
      error_code: null, error_message: null, tokens_in: 1, tokens_out: 2, trace_id: null, span_id: null,
      policy_decision: 'permit', policy_rule_id: null, ...over,
    },
  };
}

async function store(batch: readonly PositionedCall[]): Promise<void> {
  const { days, hourRollups } = foldBatchTiers(batch);
  await Promise.all([insertDayTotals(api.store, days), insertTierRollups(api.store, 'hour', hourRollups)]);
}

/** `labels → [p50, p90, p95, p99]` in ms, from a granularity=hour scrape. */
async function scrapeHour(org: string): Promise<Map<string, number[]>> {
  const res = await api.app.inject({ method: 'GET', url: `/v1/orgs/${org}/metrics?granularity=hour&latency_ms=true` });
  assert.equal(res.statusCode, 200, res.body);
  const out = new Map<string, number[]>();
  for (const line of res.body.split('\n')) {
    const m = /^mcpg_tool_latency_ms\{org="[^"]*",workspace="([^"]*)",plugin="([^"]*)",tool="([^"]*)",quantile="([^"]+)"\} (\S+)$/.exec(line);
    if (!m) continue;
    const key = `${m[1]}/${m[2]}/${m[3]}`;
    const qs = out.get(key) ?? [];
    qs[WINDOW_QUANTILES.indexOf(Number(m[4]) as (typeof WINDOW_QUANTILES)[number])] = Number(m[5]);
    out.set(key, qs);
  }
  return out;
}

/** The merge path: the hour's stored digests merged by the engine, as every scrape did before. */
async function mergedHour(org: string, hourMs: number): Promise<Map<string, number[]>> {
  const rs = await api.store.client.query({
    query: `SELECT workspace, plugin, tool, quantilesExactWeightedArray(${WINDOW_QUANTILES.join(', ')})(latency_means, latency_weights) AS q
            FROM tool_rollups_1h FINAL
            WHERE org = {org:String} AND hour = toDateTime({hour:UInt32}, 'UTC')
            GROUP BY workspace, plugin, tool HAVING sum(length(latency_means)) > 0`,
    query_params: { org, hour: hourMs / 1000 },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ workspace: string; plugin: string; tool: string; q: number[] }>();
  // As rendered: milliseconds to three decimals.
  return new Map(rows.map((r) => [`${r.workspace}/${r.plugin}/${r.tool}`, r.q.map((v) => Math.round(Number(v) * 1000) / 1000)]));
}

test('granularity=hour: the last closed hour merged from its digests, the hour in progress and older hours left out', async () => {
  const closed: PositionedCall[] = [];
  for (let i = 0; i < 300; i++) {
    closed.push(call({ tool: `tool_${i % 3}`, duration_us: 1_000 + ((i * 7_919) % 250_000) }, H0 + (i % 60) * 60_000));
  }
  await store([
    ...closed,
    // The hour in progress, and the hour before the closed one: not in the window.
    call({ tool: 'tool_0', duration_us: 9_000_000 }, H0 + HOUR + 60_000),
    call({ tool: 'only_now', duration_us: 5_000 }, H0 + HOUR + 60_000),
    call({ tool: 'tool_1', duration_us: 8_000_000 }, H0 - 60_000),
    // Another org in the same hour.
    call({ org: 'globex', tool: 'tool_0', duration_us: 7_000_000 }, H0 + 60_000),
  ]);
  const want = await mergedHour('acme', H0);
  assert.deepEqual([...want.keys()].sort(), ['prod/github/tool_0', 'prod/github/tool_1', 'prod/github/tool_2']);
  assert.ok([...want.values()].every((q) => q[3]! < 300), 'the slow calls outside the hour are not in the merge');
  assert.deepEqual(await scrapeHour('acme'), want);
  // Asked again (the kept answer): the same.
  assert.deepEqual(await scrapeHour('acme'), want);
  assert.deepEqual(await scrapeHour('globex'), new Map([['prod/github/tool_0', [7000, 7000, 7000, 7000]]]));
});

test('granularity=hour: a late call folded into the closed hour after a scrape is in the next scrape', async () => {
  const before = await scrapeHour('acme');
  assert.equal(before.has('prod/github/late'), false);
  // A lagging partition delivers calls of the closed hour now.
  await store([call({ tool: 'late', duration_us: 42_000 }, H0 + 30 * 60_000, 1), call({ tool: 'tool_2', duration_us: 20_000_000 }, H0 + 59 * 60_000, 1)]);
  const want = await mergedHour('acme', H0);
  assert.notDeepEqual(want.get('prod/github/tool_2'), before.get('prod/github/tool_2'));
  const after = await scrapeHour('acme');
  assert.deepEqual(after, want);
  assert.deepEqual(after.get('prod/github/late'), [42, 42, 42, 42]);
});

test('granularity=hour: when the hour turns, the hour that just closed', async () => {
  clock += HOUR;
  const want = await mergedHour('acme', H0 + HOUR);
  assert.deepEqual([...want.keys()].sort(), ['prod/github/only_now', 'prod/github/tool_0']);
  assert.deepEqual(await scrapeHour('acme'), want);
  assert.deepEqual(await scrapeHour('globex'), new Map());
});
