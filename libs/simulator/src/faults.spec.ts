import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFault } from './faults.ts';
import { TrafficGenerator } from './traffic.ts';

const opts = { seed: 42, orgs: ['default'], gateways: 2, startTime: Date.UTC(2026, 0, 1), rate: 1000 };

function errorRates(g: TrafficGenerator, n: number): Map<string, number> {
  const calls = new Map<string, [number, number]>();
  for (let i = 0; i < n; i++) {
    const { call } = g.next();
    const key = `${call.plugin}/${call.tool}`;
    const [c, e] = calls.get(key) ?? [0, 0];
    calls.set(key, [c + 1, e + (call.outcome === 'error' || call.outcome === 'timeout' ? 1 : 0)]);
  }
  return new Map([...calls].map(([k, [c, e]]) => [k, e / c]));
}

test('a fault raises one tool\'s error rate; the fleet keeps the shape its seed gave it', () => {
  const healthy = new TrafficGenerator(opts);
  const faulty = new TrafficGenerator({ ...opts, faults: [parseFault('slack/post_message=0.4')] });
  const rates = errorRates(faulty, 40_000);
  assert.ok(Math.abs(rates.get('slack/post_message')! - 0.4) < 0.03, `slack/post_message fails at ${rates.get('slack/post_message')}`);
  for (const [tool, rate] of rates) if (tool !== 'slack/post_message') assert.ok(rate < 0.05, `${tool} stays healthy: ${rate}`);
  const healthyRates = errorRates(healthy, 40_000);
  assert.deepEqual([...healthyRates.keys()].sort(), [...rates.keys()].sort(), 'the same tools in use');
  assert.ok([...healthyRates.values()].every((r) => r < 0.05), 'without faults no tool fails on 5% of calls');
});

test('faults are written plugin/tool=rate; anything else is refused with the expected form', () => {
  assert.deepEqual(parseFault(' postgres/query=0.3 '), { plugin: 'postgres', tool: 'query', errorRate: 0.3 });
  assert.deepEqual(parseFault('github/search_code=1'), { plugin: 'github', tool: 'search_code', errorRate: 1 });
  for (const bad of ['postgres/query', 'postgres=0.3', 'postgres/query=1.5', 'postgres/query=-0.1', 'a/b/c=0.1', '']) {
    assert.throws(() => parseFault(bad), /must look like plugin\/tool=0\.3/, bad);
  }
  assert.throws(() => new TrafficGenerator({ ...opts, faults: [parseFault('nope/none=0.5')] }), /no such tool in the simulated catalog/);
});
