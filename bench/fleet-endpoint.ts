// The fleet endpoint as Prometheus meets it: GET /v1/orgs/{org}/metrics over
// 10,000 label sets stored in the embedded engine, and the rendering step
// alone (counters, the latency summary with quantiles merged from the window's
// digests, pipeline health) on the rows those queries return. Per minute the
// window is the minute rows; per hour and day the hour and day digests
// (015, 016), folded by one running fold as the worker does.
//   node --import tsx bench/fleet-endpoint.ts [labelSets=10000] [minutes=60] [rounds=30]
import { performance } from 'node:perf_hooks';
import type { ToolCallEvent } from '@mcpg/events';
import { RollupFold } from '@mcpg/rollup';
import { insertDayTotals, insertRollups, insertTierRollups, queryToolTotals, queryWindowDigests } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { buildApi } from '@mcpg/api';
import { BufferPool, ExpositionWriter } from '@mcpg/exposition';
import { writeToolMetrics } from '../libs/api/src/metrics/render-tool-metrics.ts';

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

for (const [granularity, windowMs] of [['minute', 60_000], ['hour', 3_600_000], ['day', 86_400_000]] as const) {
  const [totals, window] = await Promise.all([queryToolTotals(store, { org }), queryWindowDigests(store, { org, fromMs: now - windowMs, tier: granularity })]);
  const pool = new BufferPool();
  await measure(`render only, granularity=${granularity}`, async () => {
    const w = new ExpositionWriter({ pool });
    writeToolMetrics(w, org, totals, window);
    const n = w.bytes().length;
    w.release();
    return n;
  });
}
// Before and after, alternating: the trailing hour merged from the minute
// rows (what granularity=hour did before the hour digests) against the
// current and previous hour from the hour digests; each query + render.
const paths = {
  'hour window from minute rows (before)': { tier: 'minute', windowMs: 3_600_000 },
  'hour window from hour digests (after)': { tier: 'hour', windowMs: 3_600_000 },
} as const;
for (let round = 0; round < 2; round++) {
  for (const [name, p] of Object.entries(paths)) {
    const pool = new BufferPool();
    await measure(`query + render, ${name}`, async () => {
      const [totals, window] = await Promise.all([queryToolTotals(store, { org }), queryWindowDigests(store, { org, fromMs: Date.now() - p.windowMs, tier: p.tier })]);
      const w = new ExpositionWriter({ pool });
      writeToolMetrics(w, org, totals, window);
      const n = w.bytes().length;
      w.release();
      return n;
    });
  }
}
// The work of each request, not answers reused (bench/api-load.ts measures those).
const app = buildApi({ store, load: false });
for (const granularity of ['minute', 'hour', 'day']) {
  await measure(`GET /v1/orgs/${org}/metrics?granularity=${granularity}`, async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/orgs/${org}/metrics?granularity=${granularity}` });
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body.slice(0, 200)}`);
    return res.rawPayload.length;
  });
}
await app.close();
await store.close();
