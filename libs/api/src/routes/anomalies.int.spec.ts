// Anomalies on simulated fleets (the generator `mcpg sim` runs, with its
// --faults): an injected incident is found at its tool and minutes, and on a
// steady fleet with a fixed seed the false-positive rate is measured.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ToolCallEvent } from '@mcpg/events';
import { TrafficGenerator, parseFault } from '@mcpg/simulator';
import { createTestApi, type TestApi } from '../testing/api-test-app.ts';
import { storeCalls } from '../testing/calls-dataset.ts';
import { utcDaysAgo } from '@mcpg/store/testing';

const M = 60_000;
const T = utcDaysAgo(3, 6);
const RATE = 15; // calls per second of event time
let api: TestApi;

/** `minutes` of one org's traffic from `startMs`; ids prefixed by phase so phases never share one. */
function phase(org: string, startMs: number, minutes: number, phaseName: string, faults: string[] = []): ToolCallEvent[] {
  const gen = new TrafficGenerator({ seed: 7, orgs: [org], gateways: 3, startTime: startMs, rate: RATE, faults: faults.map(parseFault) });
  return Array.from({ length: minutes * 60 * RATE }, () => {
    const { call } = gen.next();
    return { ...call, event_id: `${phaseName}-${call.event_id}` };
  });
}

before(async () => {
  api = await createTestApi({ now: () => T + 4 * 60 * M });
  // acme: two steady hours, a 10-minute incident on slack/post_message (half its calls fail), steady again.
  const acme = [...phase('acme', T, 120, 'a'), ...phase('acme', T + 120 * M, 10, 'b', ['slack/post_message=0.5']), ...phase('acme', T + 130 * M, 20, 'c')];
  await storeCalls(api.store, acme, 0, { raw: false });
  await storeCalls(api.store, phase('steady', T, 150, 's'), 1, { raw: false });
});
after(async () => {
  await api.close();
});

interface Anomalies {
  method: string;
  step: string;
  items: { plugin: string; tool: string; metric: string; bucket_start: number; bucket_end: number; observed: number; baseline: number; score: number; calls: number }[];
}
const anomalies = async (org: string, qs: string): Promise<Anomalies> => {
  const res = await api.app.inject({ method: 'GET', url: `/v1/orgs/${org}/anomalies?${qs}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Anomalies;
};

test('the injected incident is found at its tool and minutes', async () => {
  const found = await anomalies('acme', `from=${T + 90 * M}&to=${T + 150 * M}&metric=error_rate`);
  assert.equal(found.step, '1m');
  assert.match(found.method, /median/);
  const incident = found.items.filter((a) => a.plugin === 'slack' && a.tool === 'post_message');
  const minutes = new Set(incident.map((a) => (a.bucket_start - T) / M));
  // The ten incident minutes, and nothing of that tool outside them.
  assert.ok(minutes.size >= 9, `incident minutes found: ${[...minutes].join(', ')}`);
  for (const m of minutes) assert.ok(m >= 120 && m < 130, `minute ${m} is outside the incident`);
  const top = found.items[0]!;
  assert.deepEqual([top.plugin, top.tool, top.metric], ['slack', 'post_message', 'error_rate']);
  assert.ok(top.observed > 0.3 && top.baseline < 0.05, `${top.observed} against ${top.baseline}`);
  assert.equal(top.bucket_end - top.bucket_start, M);
  const others = found.items.filter((a) => !(a.plugin === 'slack' && a.tool === 'post_message'));
  assert.ok(others.length <= 2, `other tools flagged: ${JSON.stringify(others)}`);
});

test('steady fleet, fixed seed: the false-positive rate is measured', async () => {
  const from = T + 60 * M;
  const to = T + 150 * M;
  const found = await anomalies('steady', `from=${from}&to=${to}`);
  // Buckets judged: per tool and minute with at least 20 calls, for both metrics.
  const res = await api.app.inject({ method: 'GET', url: `/v1/orgs/steady/series?from=${from}&to=${to}&step=1m&group_by=tool&top=100&metrics=calls` });
  const judged = (res.json() as { groups: { metrics: { calls: number[] } }[] }).groups.reduce((n, g) => n + g.metrics.calls.filter((c) => c >= 20).length, 0) * 2;
  const rate = found.items.length / judged;
  console.log(`steady fleet: ${found.items.length} anomalies in ${judged} judged buckets (false-positive rate ${(rate * 100).toFixed(3)}%)`);
  assert.ok(judged > 500, `${judged} buckets judged`);
  assert.ok(rate <= 0.005, `false-positive rate ${rate}`);
});

test('bad input is a 400 naming the parameter', async () => {
  for (const [qs, parameter] of [[`from=${T + M}&to=${T}`, 'from'], ['metric=p50', 'metric'], [`from=${T - 60 * 24 * 60 * M}&to=${T}`, 'from']] as const) {
    const res = await api.app.inject({ method: 'GET', url: `/v1/orgs/acme/anomalies?${qs}` });
    assert.equal(res.statusCode, 400, qs);
    assert.equal((res.json() as { error: { parameter: string } }).error.parameter, parameter);
  }
});
