import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toolCallCodec, auditCodec } from '@mcpg/events';
import { TrafficGenerator } from './traffic.ts';
import { runTraffic, type SimMessage } from './run-traffic.ts';

const opts = { seed: 42, orgs: ['default', 'acme'], gateways: 4, startTime: Date.UTC(2026, 0, 1), rate: 1000 };

test('the same seed gives the same stream', () => {
  const a = new TrafficGenerator(opts);
  const b = new TrafficGenerator(opts);
  for (let i = 0; i < 500; i++) assert.deepEqual(a.next(), b.next());
  const c = new TrafficGenerator({ ...opts, seed: 43 });
  assert.notDeepEqual(new TrafficGenerator(opts).next(), c.next());
});

test('event time advances at the configured rate, not with the wall clock', () => {
  const g = new TrafficGenerator(opts);
  const first = g.next().call.started_at;
  for (let i = 1; i < 1000; i++) g.next();
  assert.equal(first, opts.startTime);
  assert.equal(g.next().call.started_at, opts.startTime + 1000);
});

test('traffic looks like a fleet: all orgs, errors, denials, latencies spread', () => {
  const g = new TrafficGenerator(opts);
  const orgs = new Set<string>();
  const outcomes = new Map<string, number>();
  const durations: number[] = [];
  const ids = new Set<string>();
  for (let i = 0; i < 20_000; i++) {
    const { call, audit } = g.next();
    orgs.add(call.org);
    outcomes.set(call.outcome, (outcomes.get(call.outcome) ?? 0) + 1);
    durations.push(call.duration_us);
    ids.add(call.event_id);
    assert.equal(audit.org, call.org);
    // The audit action names the kind of call, as the tool-calls view reads it back.
    const kind = { mcp: 'tool.call', sandbox: 'sandbox.exec', skill: 'skill.invoke' }[call.source];
    assert.equal(audit.action, call.outcome === 'denied' ? 'policy.deny' : kind);
    // Every event encodes: the generator only produces schema-valid events.
    toolCallCodec.encode(call);
    auditCodec.encode(audit);
  }
  assert.deepEqual([...orgs].sort(), ['acme', 'default']);
  assert.equal(ids.size, 20_000, 'event ids are unique');
  const errorRate = ((outcomes.get('error') ?? 0) + (outcomes.get('timeout') ?? 0)) / 20_000;
  assert.ok(errorRate > 0.01 && errorRate < 0.1, `error rate ${errorRate}`);
  assert.ok((outcomes.get('denied') ?? 0) > 50);
  durations.sort((x, y) => x - y);
  const p50 = durations[10_000] as number;
  const p99 = durations[19_800] as number;
  assert.ok(p99 > 10 * p50, `long tail: p50 ${p50}us p99 ${p99}us`);
});

test('runTraffic sends exactly the requested calls, audits and malformed messages, keyed by org', async () => {
  const sent = new Map<string, SimMessage[]>();
  const summary = await runTraffic({
    ...opts,
    rate: 50_000,
    totalCalls: 1000,
    malformedEvery: 100,
    send: async (topic, messages) => {
      sent.set(topic, [...(sent.get(topic) ?? []), ...messages]);
    },
  });
  assert.equal(summary.tally.calls, 1000);
  assert.equal(summary.tally.malformedTotal, 10);
  assert.equal(sent.get('mcpg.calls.v1')?.length, 1010);
  assert.equal(sent.get('mcpg.audit.v1')?.length, 1000);
  const good = (sent.get('mcpg.calls.v1') ?? []).filter((m) => !m.headers?.['mcpg-sim-malformed']);
  for (const m of good) assert.equal(toolCallCodec.decode(m.value).org, m.key);
  const perSeries = [...summary.tally.series.values()].reduce((a, s) => a + s.calls, 0);
  assert.equal(perSeries, 1000);
});
