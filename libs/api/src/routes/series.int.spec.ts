import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ToolCallEvent } from '@mcpg/events';
import { createTestApi, type TestApi } from '../testing/api-test-app.ts';
import { makeCalls, storeCalls } from '../testing/calls-dataset.ts';
import { utcDaysAgo } from '@mcpg/store/testing';

const H = 3_600_000;
const D = 24 * H;
const T = utcDaysAgo(6);
const NOW = T + 2 * D + H;
let api: TestApi;
let calls: ToolCallEvent[];

before(async () => {
  api = await createTestApi({ now: () => NOW });
  calls = makeCalls({ org: 'acme', seed: 2, calls: 40_000, fromMs: T, spanMs: 2 * D });
  await storeCalls(api.store, calls);
});
after(async () => {
  await api.close();
});

interface Series {
  step: string;
  tier: string;
  from: number;
  to: number;
  t: number[];
  groups: { key: Record<string, string>; label: string; metrics: Record<string, (number | null)[]> }[];
  truncated_before: number | null;
}
const get = (url: string) => api.app.inject({ method: 'GET', url });
const series = async (qs: string, org = 'acme'): Promise<Series> => {
  const res = await get(`/v1/orgs/${org}/series?${qs}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Series;
};

const isError = (c: ToolCallEvent) => c.outcome === 'error' || c.outcome === 'timeout';

/** How far `v` is from quantile q in rank among `sorted` (0 if it is a valid q-quantile). */
function rankError(sorted: readonly number[], v: number, q: number): number {
  let below = 0;
  let atOrBelow = 0;
  for (const x of sorted) {
    if (x < v) below++;
    if (x <= v) atOrBelow++;
  }
  const lo = below / sorted.length;
  const hi = atOrBelow / sorted.length;
  return q < lo ? lo - q : q > hi ? q - hi : 0;
}

test('1-minute steps per tool: calls, errors, error rate and tokens equal the raw calls', async () => {
  const from = T + 5 * H + 17 * 60_000;
  const s = await series(`from=${from}&to=${from + 30 * 60_000}&step=1m&group_by=tool&metrics=calls,errors,error_rate,tokens_in,p99`);
  assert.equal(s.tier, 'minute');
  assert.equal(s.t.length, 30);
  assert.equal(s.t[0], from / 1000);
  assert.equal(s.groups.length, 4);
  for (const g of s.groups) {
    assert.equal(g.label, `${g.key.plugin}/${g.key.tool}`);
    s.t.forEach((sec, i) => {
      const inBucket = calls.filter((c) => c.plugin === g.key.plugin && c.tool === g.key.tool && c.started_at >= sec * 1000 && c.started_at < sec * 1000 + 60_000);
      assert.equal(g.metrics.calls![i], inBucket.length, `${g.label} calls at ${sec}`);
      assert.equal(g.metrics.errors![i], inBucket.filter(isError).length);
      assert.equal(g.metrics.tokens_in![i], inBucket.reduce((n, c) => n + c.tokens_in, 0));
      assert.equal(g.metrics.error_rate![i], inBucket.length ? inBucket.filter(isError).length / inBucket.length : null);
      if (inBucket.length === 0) assert.equal(g.metrics.p99![i], null);
    });
  }
  // Groups come most calls first.
  const totals = s.groups.map((g) => g.metrics.calls!.reduce((a, b) => a! + b!, 0)!);
  assert.deepEqual(totals, [...totals].sort((a, b) => b - a));
});

test('hour and day steps read their digest tiers: counts exact, p99 within 1e-3 rank of the raw durations', async () => {
  for (const [step, tier, bucketMs] of [['1h', 'hour', H], ['1d', 'day', D]] as const) {
    const s = await series(`from=${T}&to=${T + 2 * D}&step=${step}&metrics=calls,p50,p90,p95,p99`);
    assert.equal(s.tier, tier);
    assert.equal(s.groups.length, 1);
    assert.deepEqual(s.groups[0]!.key, {});
    s.t.forEach((sec, i) => {
      const durations = calls.filter((c) => c.started_at >= sec * 1000 && c.started_at < sec * 1000 + bucketMs).map((c) => c.duration_us / 1000).sort((a, b) => a - b);
      assert.equal(s.groups[0]!.metrics.calls![i], durations.length);
      // The tails are kept in small centroids (1e-3 at p99, the target); in
      // the middle a centroid holds more calls, so p50 can be off by half of
      // one. Org-wide buckets come from one digest of all the org's calls (040).
      for (const [m, q, limit] of [['p50', 0.5, 5e-3], ['p90', 0.9, 3e-3], ['p95', 0.95, 2e-3], ['p99', 0.99, 1e-3]] as const) {
        const err = rankError(durations, s.groups[0]!.metrics[m]![i]!, q);
        assert.ok(err <= limit, `${step} ${m} at ${new Date(sec * 1000).toISOString()}: rank error ${err}`);
      }
    });
  }
});

test('step=auto picks the tier from the range; outcome filters read the raw calls; top keeps the busiest groups', async () => {
  assert.equal((await series(`from=${T}&to=${T + 6 * H}`)).step, '1m');
  assert.equal((await series(`from=${T}&to=${T + 2 * D}`)).step, '5m');
  const week = await series(`from=${T - 5 * D}&to=${T + 2 * D}`);
  assert.equal(week.step, '1h');
  assert.equal(week.tier, 'hour');
  const errors = await series(`from=${T}&to=${T + D}&step=1d&outcome=error&group_by=plugin&top=2`);
  assert.equal(errors.tier, 'raw');
  assert.equal(errors.groups.length, 2);
  for (const g of errors.groups) {
    assert.equal(g.metrics.calls![0], calls.filter((c) => c.plugin === g.key.plugin && c.outcome === 'error' && c.started_at < T + D).length);
  }
  const byPlugin = new Map<string, number>();
  for (const c of calls) if (c.outcome === 'error' && c.started_at < T + D) byPlugin.set(c.plugin, (byPlugin.get(c.plugin) ?? 0) + 1);
  assert.deepEqual(errors.groups.map((g) => g.key.plugin), [...byPlugin.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([p]) => p));
  const lag = await series(`from=${T}&to=${T + H}&step=1h&metrics=lag_p50,lag_p99`);
  assert.ok(typeof lag.groups[0]!.metrics.lag_p99![0] === 'number', 'lag figures from the raw calls');
  assert.equal(lag.truncated_before, null);
  const filtered = await series(`from=${T}&to=${T + H}&step=1h&workspace=dev&plugin=github&tool=search`);
  assert.equal(filtered.groups[0]!.metrics.calls![0], calls.filter((c) => c.workspace === 'dev' && c.plugin === 'github' && c.tool === 'search' && c.started_at < T + H).length);
});

test('top groups are ranked on the calls inside the range, partial hours at either end included and the rest of those hours left out', async () => {
  // The range starts at :40 and ends at :20 of an hour. edge/inside has most
  // calls in the range, all of them in those partial hours; early/outside has
  // more calls in the range's first hour, all before from; steady/whole calls
  // in the whole hours only. Ranked on whole hours alone, or on whole hour
  // totals at the ends, edge/inside or early/outside would come out wrong.
  const from = T + 10 * H + 40 * 60_000;
  const to = T + 13 * H + 20 * 60_000;
  const spread = (tool: string, n: number, fromMs: number, spanMs: number) =>
    makeCalls({ org: 'ranked', seed: n, calls: n, fromMs, spanMs, tools: [tool] });
  const ranked = [
    ...spread('edge/inside', 30, from, 20 * 60_000),
    ...spread('edge/inside', 30, to - 20 * 60_000, 20 * 60_000),
    ...spread('early/outside', 100, T + 10 * H, 40 * 60_000),
    ...spread('steady/whole', 50, T + 11 * H, 2 * H),
    ...spread('quiet/whole', 10, T + 11 * H, 2 * H),
  ].sort((a, b) => a.started_at - b.started_at);
  await storeCalls(api.store, ranked, 3);
  for (const step of ['1m', '5m'] as const) {
    const s = await series(`from=${from}&to=${to}&step=${step}&group_by=tool&top=2&metrics=calls`, 'ranked');
    assert.deepEqual(s.groups.map((g) => g.label), ['edge/inside', 'steady/whole'], step);
    for (const g of s.groups) {
      const inRange = ranked.filter((c) => `${c.plugin}/${c.tool}` === g.label && c.started_at >= from && c.started_at < to);
      assert.equal(g.metrics.calls!.reduce((a, b) => a! + b!, 0), inRange.length, `${step} ${g.label}`);
    }
  }
  const hourly = await series(`from=${T + 10 * H}&to=${T + 14 * H}&step=1h&group_by=tool&top=1&metrics=calls`, 'ranked');
  assert.deepEqual(hourly.groups.map((g) => g.label), ['early/outside']);
});

test('org-wide series read the org-wide tier, and the label-set tiers for calls folded before it was written', async () => {
  // Calls before the split were stored without org-wide rows (folded before
  // migration 040); the split falls inside a minute, an hour and a day.
  const legacy = makeCalls({ org: 'legacy', seed: 5, calls: 12_000, fromMs: T, spanMs: 2 * D });
  const split = T + 30 * H + 17 * 60_000 + 20_000;
  await storeCalls(api.store, legacy.filter((c) => c.started_at < split), 1, { orgTier: false });
  await storeCalls(api.store, legacy.filter((c) => c.started_at >= split), 2);
  const cases = [
    ['1m', split - 10 * 60_000, split + 10 * 60_000, 60_000],
    ['5m', split - 30 * 60_000, split + 30 * 60_000, 5 * 60_000],
    ['1h', T, T + 2 * D, H],
    ['1d', T, T + 2 * D, D],
  ] as const;
  for (const [step, from, to, bucketMs] of cases) {
    const res = await get(`/v1/orgs/legacy/series?from=${from}&to=${to}&step=${step}&metrics=calls,errors,tokens_in,p99`);
    assert.equal(res.statusCode, 200, res.body);
    const s = res.json() as Series;
    const m = s.groups[0]!.metrics;
    assert.ok(s.t.length >= 2, step);
    s.t.forEach((sec, i) => {
      const inBucket = legacy.filter((c) => c.started_at >= sec * 1000 && c.started_at < sec * 1000 + bucketMs);
      assert.equal(m.calls![i], inBucket.length, `${step} calls at ${new Date(sec * 1000).toISOString()}`);
      assert.equal(m.errors![i], inBucket.filter(isError).length);
      assert.equal(m.tokens_in![i], inBucket.reduce((n, c) => n + c.tokens_in, 0));
      if (bucketMs >= H) {
        const durations = inBucket.map((c) => c.duration_us / 1000).sort((a, b) => a - b);
        assert.ok(rankError(durations, m.p99![i]!, 0.99) <= 2e-3, `${step} p99 at ${sec}`);
      }
    });
    assert.equal(m.calls!.reduce((a, b) => a! + b!, 0), legacy.filter((c) => c.started_at >= s.t[0]! * 1000 && c.started_at < s.to).length, `${step}: every call once`);
  }
});

test('bad input is a 400 naming the parameter', async () => {
  const bad = async (qs: string, parameter: string, message?: RegExp) => {
    const res = await get(`/v1/orgs/acme/series?${qs}`);
    assert.equal(res.statusCode, 400, qs);
    const body = res.json() as { error: { parameter: string; message: string } };
    assert.equal(body.error.parameter, parameter, qs);
    if (message) assert.match(body.error.message, message);
  };
  await bad(`from=${T + H}&to=${T}`, 'from');
  await bad('group_by=actor', 'group_by');
  await bad('metrics=calls,p42', 'metrics', /p42/);
  await bad('step=2m', 'step');
  await bad(`from=${NOW - 100 * D}&to=${NOW - 99 * D}&step=1m`, 'step', /finest step for this from is 1h/);
  await bad(`from=${T}&to=${T + 2 * D}&step=1m`, 'step', /use 5m/);
  await bad(`from=${NOW - 40 * D}&to=${NOW - 35 * D}&outcome=error`, 'from');
  await bad('from=2026-02-30', 'from');
  await bad('outcome=maybe', 'outcome');
});
