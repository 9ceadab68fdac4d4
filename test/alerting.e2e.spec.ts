// End to end with real Prometheus and Alertmanager: the simulator sends a
// fleet's traffic through the real broker, the rollup worker stores it in the
// embedded engine, Prometheus scrapes the fleet endpoint with the shipped
// scrape job and rules (short intervals), and Alertmanager routes with the
// shipped config to a webhook of this test. One tool is made to fail on 30%
// of its calls: MCPGToolErrorRate must reach the webhook for that plugin/tool
// and for no other.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { createKafkaBus } from '@mcpg/bus';
import type { Bus } from '@mcpg/pipeline';
import { createStore, migrate, type Store } from '@mcpg/store';
import { buildApi } from '@mcpg/api';
import { TrafficGenerator, type TrafficSummary } from '@mcpg/simulator';
import { runFleetSim, startRollupWorker, type RunningWorker } from '@mcpg/workers';
import { promQuery, startStack, type Stack } from './support/prometheus-stack.ts';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const run = randomBytes(4).toString('hex');
const org = `alert-${run}`;
const SEED = 11;
const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-alert-e2e-'));

let bus: Bus;
let store: Store;
let worker: RunningWorker;
let api: FastifyInstance;
let apiUrl: string;
let stack: Stack;
const abort = new AbortController();
let sim: Promise<TrafficSummary>;

// The busiest tool of the simulated org: the fault shows within seconds.
function busiestTool(): { plugin: string; tool: string } {
  const g = new TrafficGenerator({ seed: SEED, orgs: [org], gateways: 2, startTime: 0, rate: 1 });
  const n = new Map<string, number>();
  for (let i = 0; i < 5_000; i++) {
    const { call } = g.next();
    n.set(`${call.plugin}/${call.tool}`, (n.get(`${call.plugin}/${call.tool}`) ?? 0) + 1);
  }
  const [top] = [...n].sort((a, b) => b[1] - a[1])[0]!;
  const [plugin, tool] = top.split('/') as [string, string];
  return { plugin, tool };
}
const faulty = busiestTool();

before(async () => {
  assert.ok(brokers.length, 'MCPG_TEST_KAFKA_BROKERS must name the test broker (npm test starts one)');
  bus = createKafkaBus({ brokers, clientId: `alert-e2e-${run}` });
  store = await createStore({ kind: 'embedded', dataDir, database: `alert_${run}` });
  await migrate(store);
  worker = await startRollupWorker({ bus, store, groupId: `alert-rollup-${run}`, partitions: 6, batchRows: 5000, flushMs: 200 });
  api = buildApi({ store });
  await api.listen({ host: '127.0.0.1', port: 0 });
  const { port } = api.server.address() as { port: number };
  apiUrl = `http://127.0.0.1:${port}`;
  stack = await startStack({ target: `127.0.0.1:${port}`, metricsPath: `/v1/orgs/${org}/metrics`, ruleFor: '10s', interval: '1s' });
  sim = runFleetSim({
    bus,
    seed: SEED,
    orgs: [org],
    gateways: 2,
    rate: 2000,
    durationSec: 180,
    audit: false,
    faults: [{ ...faulty, errorRate: 0.3 }],
    partitions: 6,
    signal: abort.signal,
  });
});

after(async () => {
  abort.abort();
  await sim?.catch(() => undefined);
  await stack?.stop();
  await api?.close();
  await worker?.stop();
  await bus?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${stack.logs()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const isErrorRateAlert = (labels: Record<string, string>) => labels.alertname === 'MCPGToolErrorRate';

test('promtool check metrics accepts the fleet exposition without a warning', async () => {
  const text = await waitFor(
    'tool samples on the fleet endpoint',
    async () => {
      const body = await (await fetch(`${apiUrl}/v1/orgs/${org}/metrics?granularity=minute`)).text();
      return /^mcpg_tool_latency_seconds\{/m.test(body) ? body : undefined;
    },
    120_000,
  );
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.error, undefined, 'promtool runs (apt-get install prometheus)');
  assert.equal(check.status, 0, check.stdout + check.stderr);
  assert.equal((check.stdout + check.stderr).trim(), '', 'no lint findings');
});

test('MCPGToolErrorRate reaches Alertmanager for the failing tool and for no other', async () => {
  const fired = await waitFor(
    `MCPGToolErrorRate for ${faulty.plugin}/${faulty.tool} at the webhook`,
    () => stack.received.find((a) => a.status === 'firing' && isErrorRateAlert(a.labels)),
    150_000,
  );
  assert.deepEqual([fired.labels.plugin, fired.labels.tool], [faulty.plugin, faulty.tool]);
  assert.equal(fired.labels.severity, 'warning');

  // Let several more evaluations and notifications pass: still that tool alone.
  await new Promise((r) => setTimeout(r, 8_000));
  const others = stack.received.filter((a) => isErrorRateAlert(a.labels) && (a.labels.plugin !== faulty.plugin || a.labels.tool !== faulty.tool));
  assert.deepEqual(others, [], 'no other tool raised MCPGToolErrorRate');
  const res = await fetch(`${stack.alertmanagerUrl}/api/v2/alerts?filter=${encodeURIComponent('alertname="MCPGToolErrorRate"')}`);
  const active = (await res.json()) as { labels: Record<string, string> }[];
  assert.deepEqual(
    active.map((a) => `${a.labels.plugin}/${a.labels.tool}`),
    [`${faulty.plugin}/${faulty.tool}`],
    'Alertmanager holds exactly one MCPGToolErrorRate alert',
  );

  // What Prometheus computed from the fleet endpoint: the faulty tool near
  // 30% errors, every other tool well under the 5% threshold.
  const ratios = await promQuery(stack, 'sum(rate(mcpg_tool_errors_total[5m])) by (plugin, tool) / sum(rate(mcpg_tool_calls_total[5m])) by (plugin, tool)');
  assert.ok(ratios.length > 3, `Prometheus scraped several tools: ${JSON.stringify(ratios)}`);
  for (const r of ratios) {
    const ratio = Number(r.value[1]);
    if (r.metric.plugin === faulty.plugin && r.metric.tool === faulty.tool) assert.ok(ratio > 0.2 && ratio < 0.4, `faulty ratio ${ratio}`);
    else assert.ok(ratio < 0.05, `${r.metric.plugin}/${r.metric.tool} ratio ${ratio}`);
  }

  // Stop sending: once the last flush is stored and scraped, Prometheus holds
  // exactly the number of calls the simulator sent.
  abort.abort();
  const summary = await sim;
  await waitFor(
    'Prometheus to see every call sent',
    async () => {
      const [total] = await promQuery(stack, `sum(mcpg_tool_calls_total{org="${org}"})`);
      return total && Number(total.value[1]) === summary.tally.calls ? true : undefined;
    },
    60_000,
  );
});
