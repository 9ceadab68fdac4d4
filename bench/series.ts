// The drill-down API against the stored tiers: series (org-wide per minute
// over a day and per hour over 30 days, from the org-wide tier against the
// per-label-set tier it replaced; the ten busiest tools, ranked in the minute
// tier against ranked on the hour totals), the same figures
// from the raw calls with ClickHouse's own quantilesTDigest (the peer, in the
// same run), and the samples of one tool for a minute and for an hour. Calls
// are folded by one running fold and stored in every tier as the worker
// would, except that the days before the last one are stored without their
// minute rows and raw calls (nothing measured here reads them; they would
// triple the seeding time).
//   node --import tsx bench/series.ts [labelSets=10000] [callsPerSetHour=6] [days=30] [olderCallsPerSetHour=1] [rounds=20]
import { performance } from 'node:perf_hooks';
import type { ToolCallEvent } from '@mcpg/events';
import { RollupFold, toInvocationRow } from '@mcpg/rollup';
import { insertHourTotals, insertOrgRollupTiers, insertRollups, insertTierRollups, insertToolInvocations, querySeries, type SeriesQuery } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { buildApi } from '@mcpg/api';

const SETS = Number(process.argv[2] ?? 10_000);
const PER_SET_HOUR = Number(process.argv[3] ?? 6);
const DAYS = Number(process.argv[4] ?? 30);
const OLDER_PER_SET_HOUR = Number(process.argv[5] ?? 1);
const ROUNDS = Number(process.argv[6] ?? 20);
const org = 'bench';
const H = 3_600_000;
const end = Math.floor(Date.now() / H) * H;
const dayStart = end - 24 * H;
const start = end - DAYS * 24 * H;

const store = await createTestStore();
const fold = new RollupFold({ maxLabelSetsPerOrg: SETS });
let offset = 0;
let lastDayCalls = 0;
const t0 = performance.now();
for (let h = 0; h < DAYS * 24; h++) {
  const hourStart = start + h * H;
  const lastDay = hourStart >= dayStart;
  const perSet = lastDay ? PER_SET_HOUR : OLDER_PER_SET_HOUR;
  const raw = [];
  for (let s = 0; s < SETS; s++) {
    for (let k = 0; k < perSet; k++) {
      const started = hourStart + Math.floor(((s * 7919 + k * 104_729 + h * 31) % 3600) * 1000);
      const event: ToolCallEvent = {
        event_id: `e-${offset}`, org, workspace: `ws-${s % 5}`, instance: 'gw-1', plugin: `plugin_${s % 100}`, tool: `tool_${Math.floor(s / 100)}x`,
        actor: 'a', source: 'mcp', started_at: started, emitted_at: started + 5, duration_us: 1_000 + ((s * 7919 + k * 104_729 + h) % 400_000),
        outcome: (s + k) % 50 === 0 ? 'error' : 'ok', error_code: null, error_message: null, tokens_in: 10, tokens_out: 200,
        trace_id: null, span_id: null, policy_decision: 'permit', policy_rule_id: null,
      };
      fold.add(0, offset, event);
      if (lastDay) raw.push(toInvocationRow(event, 0, String(offset)));
      offset++;
    }
  }
  if (lastDay) lastDayCalls += raw.length;
  for (let i = 0; i < raw.length; i += 50_000) await insertToolInvocations(store, raw.slice(i, i + 50_000));
  const minutes = fold.takeRows();
  await Promise.all([
    lastDay ? insertRollups(store, minutes) : undefined,
    insertTierRollups(store, 'hour', fold.takeHourRollups()),
    insertTierRollups(store, 'day', fold.takeDayRollups()),
    insertHourTotals(store, fold.takeHourTotals()),
    insertOrgRollupTiers(store, fold.takeOrgRollups()),
  ]);
}
const count = async (table: string) => {
  const rs = await store.client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0]!.n).toLocaleString('en');
};
console.log(
  `${SETS} label sets: last 24 h ${PER_SET_HOUR} calls/h each (${lastDayCalls} calls, raw and every tier), ${DAYS - 1} days before at ${OLDER_PER_SET_HOUR}/h (hour and day tiers); ` +
    `${offset} calls folded and stored in ${((performance.now() - t0) / 1000).toFixed(1)} s; node ${process.version}`,
);
for (const t of ['tool_invocations', 'tool_rollups_1m', 'tool_rollups_1h', 'tool_totals_1h', 'tool_rollups_org_1m', 'tool_rollups_org_1h']) console.log(`  ${t}: ${await count(t)} rows`);

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
  console.log(`${name.padEnd(72)} p50 ${pct(ms, 0.5).toFixed(1)} ms  p99 ${pct(ms, 0.99).toFixed(1)} ms`);
}

// The work of each request, not answers reused (bench/api-load.ts measures those).
const app = buildApi({ store, now: () => end, load: false });
const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  return res;
};
const day: SeriesQuery = { org, fromMs: dayStart, toMs: end, step: '1m', groupBy: 'none', top: 10, lag: false };
const month: SeriesQuery = { ...day, fromMs: start, step: '1h' };
const url = (q: SeriesQuery) => `/v1/orgs/${org}/series?from=${q.fromMs}&to=${q.toMs}&step=${q.step}&group_by=${q.groupBy}&top=10`;
// Before (the per-label-set tier, what org-wide series read before the
// org-wide tier) and after, alternating; each through the store function,
// then the route once more for the after.
for (let round = 0; round < 2; round++) {
  for (const [name, q] of [['org-wide 24 h at 1m', day], [`org-wide ${DAYS} d at 1h`, month]] as const) {
    await measure(`store: series ${name}, label-set tier (before)`, () => querySeries(store, { ...q, orgTier: false }));
    await measure(`store: series ${name}, org-wide tier (after)`, () => querySeries(store, q));
  }
}
// group_by=tool top=10: the groups ranked inside the minute tier, their
// digests merged in the same query (before), against ranked on the hour
// totals with the digests merged for the ten only (after), alternating.
const byTool: SeriesQuery = { ...day, groupBy: 'tool' };
for (let round = 0; round < 2; round++) {
  await measure('store: group_by=tool top=10, 24 h at 1m, ranked in the minute tier (before)', () => querySeries(store, { ...byTool, rankByTotals: false }));
  await measure('store: group_by=tool top=10, 24 h at 1m, ranked on hour totals (after)', () => querySeries(store, byTool));
}
const cases: [string, SeriesQuery, boolean][] = [
  ['org-wide 24 h at 1m', day, true],
  [`org-wide ${DAYS} d at 1h`, month, false],
  ['org-wide 24 h at 1h', { ...day, step: '1h' }, true],
  ['group_by=tool top=10, 24 h at 1m', { ...day, groupBy: 'tool' }, true],
];
for (const [name, q, peer] of cases) {
  await measure(`GET series ${name}`, () => get(url(q)));
  if (!peer) continue;
  await measure(`peer: quantilesTDigest over raw calls, ${name}`, () => querySeries(store, { ...q, rawPeer: true }));
  console.log(`  ratio route / peer: ${(results.get(`GET series ${name}`)! / results.get(`peer: quantilesTDigest over raw calls, ${name}`)!).toFixed(2)} (p99)`);
}
const m = dayStart + 7 * H + 17 * 60_000;
await measure('GET invocations one tool × one minute', () => get(`/v1/orgs/${org}/invocations?from=${m}&to=${m + 60_000}&workspace=ws-3&plugin=plugin_3&tool=tool_0x`));
await measure('GET invocations one tool × one hour, slowest', () => get(`/v1/orgs/${org}/invocations?from=${m}&to=${m + H}&workspace=ws-3&plugin=plugin_3&tool=tool_0x&sort=slowest`));
await app.close();
await store.close();
