// The fleet endpoint as Prometheus meets it: GET /v1/orgs/{org}/metrics over
// 10,000 label sets stored in the embedded engine, a granularity=hour scrape
// stage by stage, and the latency quantiles merged in TypeScript from the
// centroid arrays (before) against merged by the engine (after). Per minute
// the window is the minute rows; per hour and day the hour and day digests
// (015, 016), folded by one running fold as the worker does; then with a
// week of older hour digests held, the window filtered after FINAL (before)
// against read as PREWHERE (after). By default: granularity=hour as served
// now (the last closed hour, merged once and kept) against the window merged
// on every scrape, alternating.
//   node --import tsx bench/fleet-endpoint.ts [labelSets=10000] [minutes=60] [rounds=30] [all]
//   FLEET_PROFILE=<file.cpuprofile> also profiles the before path.
import { performance } from 'node:perf_hooks';
import type { ToolCallEvent } from '@mcpg/events';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { digestQuantiles, mergeDigests, RollupFold } from '@mcpg/rollup';
import {
  insertDayTotals, insertRollups, insertTierRollups, queryHourFingerprint, queryHourQuantiles, queryPipelineHealth, queryToolTotals, queryWindowDigests,
  queryWindowQuantiles, WINDOW_QUANTILES,
  type ToolTotals, type WindowDigest, type WindowQuantiles,
} from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { buildApi } from '@mcpg/api';
import { BufferPool, ExpositionWriter } from '@mcpg/exposition';
import { writeToolMetrics } from '../libs/api/src/metrics/render-tool-metrics.ts';
import { writePipelineHealth } from '../libs/api/src/metrics/render-pipeline-health.ts';
import { ClosedHourQuantiles } from '../libs/api/src/metrics/closed-hour-quantiles.ts';

const SETS = Number(process.argv[2] ?? 10_000);
const MINUTES = Number(process.argv[3] ?? 60);
const ROUNDS = Number(process.argv[4] ?? 30);
const org = 'bench';
const now = Date.now();

const store = await createTestStore();
let offset = 0;
const tStore = performance.now();
const fold = new RollupFold({ maxLabelSetsPerOrg: SETS });
// Two calls per label set and minute, stored a minute at a time as the worker would.
for (let m = MINUTES; m >= 1; m--) {
  for (let s = 0; s < SETS; s++) {
    for (let k = 0; k < 2; k++) {
      const started = now - m * 60_000 + k * 1_000;
      const event: ToolCallEvent = {
        event_id: `e-${offset}`, org, workspace: `ws-${s % 5}`, instance: 'gw-1', plugin: `plugin_${s % 100}`, tool: `tool_${Math.floor(s / 100)}x`,
        actor: 'a', source: 'mcp', started_at: started, emitted_at: started + 5, duration_us: 1_000 + ((s * 7919 + k * 104_729 + m) % 400_000),
        outcome: (s + k) % 50 === 0 ? 'error' : 'ok', error_code: null, error_message: null, tokens_in: 10, tokens_out: 200,
        trace_id: null, span_id: null, policy_decision: 'permit', policy_rule_id: null,
      };
      fold.add(0, offset++, event);
    }
  }
  await Promise.all([
    insertRollups(store, fold.takeRows()),
    insertDayTotals(store, fold.takeDayTotals()),
    insertTierRollups(store, 'hour', fold.takeHourRollups()),
    insertTierRollups(store, 'day', fold.takeDayRollups()),
  ]);
}
console.log(`${SETS} label sets × ${MINUTES} minutes (${offset} calls) stored in ${((performance.now() - tStore) / 1000).toFixed(1)} s; node ${process.version}`);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
async function measure(name: string, fn: () => Promise<number>): Promise<void> {
  await fn(); // warm-up
  const ms: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    bytes = await fn();
    ms.push(performance.now() - t);
  }
  console.log(`${name.padEnd(44)} p50 ${pct(ms, 0.5).toFixed(1)} ms  p99 ${pct(ms, 0.99).toFixed(1)} ms  ${(bytes / 1e6).toFixed(2)} MB`);
}

// Before: the centroid arrays of every row of the window as JSON, merged per
// label set in TypeScript (mergeDigests + digestQuantiles, what the route
// did); after: the quantiles merged by the engine (queryWindowQuantiles).
const merged = (window: readonly WindowDigest[]): WindowQuantiles[] =>
  window.flatMap((d) => {
    const m = mergeDigests(d.digests);
    return m.means.length ? [{ workspace: d.workspace, plugin: d.plugin, tool: d.tool, quantilesMs: digestQuantiles(m, WINDOW_QUANTILES) }] : [];
  });
const render = (pool: BufferPool, totals: ToolTotals[], window: WindowQuantiles[]) => {
  const w = new ExpositionWriter({ pool });
  writeToolMetrics(w, org, totals, window);
  const n = w.bytes().length;
  w.release();
  return n;
};

// The earlier passes (stages, digests merged in TypeScript, WHERE against
// PREWHERE) run with `all` as the fifth argument; by default only the
// granularity=hour scrape as it is against the window merged per scrape.
const ALL = process.argv[5] === 'all';

// Where a granularity=hour scrape spends its time, stage by stage, before the
// change, and a CPU profile of the whole of it (bench/cpu-profile-summary.ts
// reads it; FLEET_PROFILE=<file>).
if (ALL) {
  const pool = new BufferPool();
  const fromMs = () => Date.now() - 3_600_000;
  const totals = await queryToolTotals(store, { org });
  const digests = await queryWindowDigests(store, { org, fromMs: fromMs(), tier: 'hour' });
  const quantiles = merged(digests);
  await measure('stage: totals query (tool_totals_1d)', async () => (await queryToolTotals(store, { org })).length);
  await measure('stage: hour digests query + JSON decode', async () => (await queryWindowDigests(store, { org, fromMs: fromMs(), tier: 'hour' })).length);
  await measure('stage: merge digests in TypeScript', async () => merged(digests).length);
  await measure('stage: render', async () => render(pool, totals, quantiles));
  await measure('stage: hour quantiles query (engine merges)', async () => (await queryWindowQuantiles(store, { org, fromMs: fromMs(), tier: 'hour' })).length);
  if (process.env.FLEET_PROFILE) {
    const session = new Session();
    session.connect();
    const post = (method: string, params?: object) => new Promise<{ profile?: object }>((res, rej) => session.post(method, params, (e, r) => (e ? rej(e) : res(r as { profile?: object }))));
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    for (let i = 0; i < ROUNDS; i++) {
      const [t, d] = await Promise.all([queryToolTotals(store, { org }), queryWindowDigests(store, { org, fromMs: fromMs(), tier: 'hour' })]);
      render(pool, t, merged(d));
    }
    const { profile } = await post('Profiler.stop');
    writeFileSync(process.env.FLEET_PROFILE, JSON.stringify(profile));
    session.disconnect();
  }
}

// Before and after, alternating: each is the two store queries + render.
const paths = {
  'hour digests merged in TypeScript (before)': async (fromMs: number) => merged(await queryWindowDigests(store, { org, fromMs, tier: 'hour' })),
  'hour quantiles merged by the engine (after)': (fromMs: number) => queryWindowQuantiles(store, { org, fromMs, tier: 'hour' }),
} as const;
for (let round = 0; round < (ALL ? 2 : 0); round++) {
  for (const [name, window] of Object.entries(paths)) {
    const pool = new BufferPool();
    await measure(`query + render, ${name}`, async () => {
      const [totals, w] = await Promise.all([queryToolTotals(store, { org }), window(Date.now() - 3_600_000)]);
      return render(pool, totals, w);
    });
  }
}
// A deployment holds more than the window: hour digests of the days before
// (here 7 days, copies of the window's rows shifted back). Under FINAL a
// WHERE on the window filters after the replacing merge, which then merges
// all of them; the range as PREWHERE (after) reads only the window's rows.
// The scrapes below are measured with these held too.
{
  const fromS = Math.floor((Date.now() - 3_600_000) / 3_600_000) * 3_600;
  await store.client.command({
    // The window's rows picked in a subquery: a REPLACE alias would also rewrite a WHERE beside it.
    query: `INSERT INTO tool_rollups_1h SELECT * REPLACE (hour - toIntervalHour(k) AS hour)
            FROM (SELECT * FROM tool_rollups_1h WHERE org = {org:String} AND hour >= toDateTime({from:UInt32}, 'UTC')) ARRAY JOIN range(2, 170) AS k`,
    query_params: { org, from: fromS },
  });
  const rs = await store.client.query({ query: 'SELECT count() AS n FROM tool_rollups_1h', format: 'JSONEachRow' });
  console.log(`with 7 days of hour digests before the window: tool_rollups_1h ${(await rs.json<{ n: string }>())[0]!.n} rows`);
  const whereSql = `SELECT workspace, plugin, tool, quantilesExactWeightedArray(${WINDOW_QUANTILES.join(', ')})(latency_means, latency_weights) AS q
    FROM tool_rollups_1h FINAL WHERE org = {org:String} AND hour >= toDateTime({from:UInt32}, 'UTC')
    GROUP BY workspace, plugin, tool HAVING sum(length(latency_means)) > 0 ORDER BY workspace, plugin, tool`;
  const before = async (fromMs: number): Promise<WindowQuantiles[]> => {
    const r = await store.client.query({ query: whereSql, query_params: { org, from: (Math.floor(fromMs / 3_600_000) * 3_600_000) / 1000 }, format: 'JSONCompactEachRow' });
    return (await r.json<[string, string, string, number[]]>()).map(([workspace, plugin, tool, q]) => ({ workspace, plugin, tool, quantilesMs: q.map(Number) }));
  };
  for (let round = 0; round < (ALL ? 2 : 0); round++) {
    for (const [name, window] of [
      ['window as WHERE under FINAL (before)', before],
      ['window as PREWHERE (after)', (fromMs: number) => queryWindowQuantiles(store, { org, fromMs, tier: 'hour' })],
    ] as const) {
      const pool = new BufferPool();
      await measure(`query + render, 7 days held, ${name}`, async () => {
        const [totals, w] = await Promise.all([queryToolTotals(store, { org }), window(Date.now() - 3_600_000)]);
        return render(pool, totals, w);
      });
    }
  }
}
// granularity=hour as it is (the last closed hour, merged once and kept; each
// scrape reads the hour's fingerprint) against the window merged on every
// scrape (the current and previous hour, what the route did before), both
// through the same steps: totals, quantiles, pipeline health, render.
{
  const app = buildApi({ store, load: false });
  const hourMs = ClosedHourQuantiles.lastClosedHour(Date.now());
  await measure('stage: the closed hour merged (once per hour)', async () => (await queryHourQuantiles(store, { org, hourMs })).length);
  await measure('stage: the closed hour fingerprint (each scrape)', async () => (await queryHourFingerprint(store, { org, hourMs })).length);
  const pool = new BufferPool();
  const mergedPerScrape = async () => {
    const [totals, window, health] = await Promise.all([
      queryToolTotals(store, { org }),
      queryWindowQuantiles(store, { org, fromMs: Date.now() - 3_600_000, tier: 'hour' }),
      queryPipelineHealth(store),
    ]);
    const w = new ExpositionWriter({ pool });
    writeToolMetrics(w, org, totals, window);
    writePipelineHealth(w, health);
    const n = w.bytes().length;
    w.release();
    return n;
  };
  const route = (granularity: string) => async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/orgs/${org}/metrics?granularity=${granularity}` });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body.slice(0, 200)}`);
    return res.rawPayload.length;
  };
  for (let round = 0; round < 2; round++) {
    await measure('hour: window merged per scrape (before)', mergedPerScrape);
    await measure('hour: GET granularity=hour, closed hour kept (after)', route('hour'));
  }
  for (const granularity of ['minute', 'day']) await measure(`GET /v1/orgs/${org}/metrics?granularity=${granularity}`, route(granularity));
  await app.close();
}
await store.close();
