// The drill-down API against the stored tiers: series (org-wide per minute,
// per hour, the ten busiest tools), the same figures from the raw calls with
// ClickHouse's own quantilesTDigest (the peer, in the same run), and the
// samples of one tool for a minute and for an hour. Calls are folded by one
// running fold and stored in every tier as the worker would.
//   node --import tsx bench/series.ts [labelSets=10000] [hours=24] [callsPerSetHour=6] [rounds=20]
import { performance } from 'node:perf_hooks';
import type { ToolCallEvent } from '@mcpg/events';
import { RollupFold, toInvocationRow } from '@mcpg/rollup';
import { insertRollups, insertTierRollups, insertToolInvocations, querySeries, type SeriesQuery } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { buildApi } from '@mcpg/api';

const SETS = Number(process.argv[2] ?? 10_000);
const HOURS = Number(process.argv[3] ?? 24);
const PER_SET_HOUR = Number(process.argv[4] ?? 6);
const ROUNDS = Number(process.argv[5] ?? 20);
const org = 'bench';
const H = 3_600_000;
const end = Math.floor(Date.now() / H) * H;
const start = end - HOURS * H;

const store = await createTestStore();
const fold = new RollupFold({ maxLabelSetsPerOrg: SETS });
let offset = 0;
const t0 = performance.now();
for (let h = 0; h < HOURS; h++) {
  const raw = [];
  for (let s = 0; s < SETS; s++) {
    for (let k = 0; k < PER_SET_HOUR; k++) {
      const started = start + h * H + Math.floor(((s * 7919 + k * 104_729) % 3600) * 1000);
      const event: ToolCallEvent = {
        event_id: `e-${offset}`, org, workspace: `ws-${s % 5}`, instance: 'gw-1', plugin: `plugin_${s % 100}`, tool: `tool_${Math.floor(s / 100)}x`,
        actor: 'a', source: 'mcp', started_at: started, emitted_at: started + 5, duration_us: 1_000 + ((s * 7919 + k * 104_729 + h) % 400_000),
        outcome: (s + k) % 50 === 0 ? 'error' : 'ok', error_code: null, error_message: null, tokens_in: 10, tokens_out: 200,
        trace_id: null, span_id: null, policy_decision: 'permit', policy_rule_id: null,
      };
      fold.add(0, offset, event);
      raw.push(toInvocationRow(event, 0, String(offset++)));
    }
  }
  for (let i = 0; i < raw.length; i += 50_000) await insertToolInvocations(store, raw.slice(i, i + 50_000));
  await Promise.all([insertRollups(store, fold.takeRows()), insertTierRollups(store, 'hour', fold.takeHourRollups()), insertTierRollups(store, 'day', fold.takeDayRollups())]);
}
console.log(`${SETS} label sets × ${HOURS} h × ${PER_SET_HOUR} calls/h (${offset} calls) stored in ${((performance.now() - t0) / 1000).toFixed(1)} s; node ${process.version}`);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const results = new Map<string, number>();
async function measure(name: string, fn: () => Promise<unknown>): Promise<void> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  results.set(name, pct(ms, 0.99));
  console.log(`${name.padEnd(58)} p50 ${pct(ms, 0.5).toFixed(1)} ms  p99 ${pct(ms, 0.99).toFixed(1)} ms`);
}

const app = buildApi({ store, now: () => end });
const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  return res;
};
const base: SeriesQuery = { org, fromMs: start, toMs: end, step: '1m', groupBy: 'none', top: 10, lag: false };
const cases: [string, SeriesQuery][] = [
  [`org-wide ${HOURS} h at 1m`, base],
  [`org-wide ${HOURS} h at 1h`, { ...base, step: '1h' }],
  [`group_by=tool top=10, ${HOURS} h at 1m`, { ...base, groupBy: 'tool' }],
];
for (const [name, q] of cases) {
  const step = q.step;
  await measure(`GET series ${name}`, () => get(`/v1/orgs/${org}/series?from=${q.fromMs}&to=${q.toMs}&step=${step}&group_by=${q.groupBy}&top=10`));
  await measure(`peer: quantilesTDigest over raw calls, ${name}`, () => querySeries(store, { ...q, rawPeer: true }));
  console.log(`  ratio tiers / peer: ${(results.get(`GET series ${name}`)! / results.get(`peer: quantilesTDigest over raw calls, ${name}`)!).toFixed(2)} (p99)`);
}
const m = start + 7 * H + 17 * 60_000;
await measure('GET invocations one tool × one minute', () => get(`/v1/orgs/${org}/invocations?from=${m}&to=${m + 60_000}&workspace=ws-3&plugin=plugin_3&tool=tool_0x`));
await measure('GET invocations one tool × one hour, slowest', () => get(`/v1/orgs/${org}/invocations?from=${m}&to=${m + H}&workspace=ws-3&plugin=plugin_3&tool=tool_0x&sort=slowest`));
await app.close();
await store.close();
