// The broker killed (SIGKILL) while the rollup worker ingests, and started
// again on the same data directory: the worker rides it out (its commits fail
// meanwhile and are counted), and once the broker is back every call sent
// before and after the kill is stored exactly once — no row lost, none
// counted twice in the rollups. This test runs its own broker (own port and
// data directory), never the shared one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKafkaBus, startLocalBroker, type LocalBroker } from '@mcpg/bus';
import { freePortPair } from '@mcpg/bus/testing';
import type { Bus } from '@mcpg/pipeline';
import type { TrafficSummary } from '@mcpg/simulator';
import { queryToolTotals, type Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { runFleetSim, startRollupWorker, type RunningWorker } from '@mcpg/workers';

const run = randomBytes(4).toString('hex');
const topic = `restart-calls-${run}`;
const before1 = [`br-${run}-a`, `br-${run}-b`];
const after1 = [`br-${run}-c`];
const FIRST = 60_000;
const SECOND = 20_000;

let dataDir: string;
let port: number;
let broker: LocalBroker | null = null;
let bus: Bus;
let store: Store;
let worker: RunningWorker | undefined;
const warnings: string[] = [];
const fatal: unknown[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (fatal.length) throw new Error(`the worker stopped while waiting for ${what}: ${String(fatal[0])}`);
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** Sends `calls` calls of `orgs` with a client of its own (closed after). */
async function send(orgs: string[], seed: number, calls: number): Promise<TrafficSummary> {
  const producerBus = createKafkaBus({ brokers: broker!.brokers, clientId: `br-sim-${run}`, logLevel: 'nothing' });
  try {
    return await runFleetSim({ bus: producerBus, seed, orgs, gateways: 4, rate: 1e7, totalCalls: calls, audit: false, partitions: 6, topics: { calls: topic } });
  } finally {
    await producerBus.close();
  }
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mcpg-broker-restart-'));
  port = await freePortPair(19561, 19600);
  broker = await startLocalBroker({ port, dataDir, heapMb: 384 });
  store = await createTestStore();
  // The worker's own client, with the default retry policy a deployment has.
  bus = createKafkaBus({ brokers: broker.brokers, clientId: `br-worker-${run}`, log: (level, message) => void (level === 'warn' || level === 'error' ? warnings.push(message) : undefined) });
});

after(async () => {
  await worker?.stop().catch(() => undefined);
  await bus?.close().catch(() => undefined);
  await store?.close();
  await broker?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

test('broker SIGKILLed and restarted during ingest: nothing lost, nothing counted twice', { timeout: 600_000 }, async () => {
  const first = await send(before1, 31, FIRST);
  const sinkWarnings: string[] = [];
  worker = await startRollupWorker({
    bus,
    store,
    topic,
    groupId: `br-${run}`,
    partitions: 6,
    batchRows: 5_000,
    flushMs: 100,
    log: { info: () => undefined, warn: (_o, m) => void sinkWarnings.push(m ?? ''), error: (_o, m) => void sinkWarnings.push(m ?? '') },
    onFatal: (e) => fatal.push(e),
  });
  await waitFor('some calls stored', async () => (worker!.totals.messages >= 10_000 ? true : undefined), 120_000);
  const storedAtKill = worker.totals.messages;
  process.kill(broker!.pid, 'SIGKILL');
  await broker!.stop(); // sees the exit; ends its watchdog
  broker = null;
  const killedAt = Date.now();
  await sleep(5_000);
  broker = await startLocalBroker({ port, dataDir, heapMb: 384 });
  const upAt = Date.now();
  const outageMs = upAt - killedAt;
  // When the worker stores its first message after the broker is back.
  const messagesAtUp = worker.totals.messages;
  let resumedAt = 0;
  const watch = setInterval(() => {
    if (!resumedAt && worker!.totals.messages > messagesAtUp) resumedAt = Date.now();
  }, 50);
  const second = await send(after1, 32, SECOND);

  const total = FIRST + SECOND;
  const orgs = [...before1, ...after1];
  const counted = await waitFor(
    'every call stored',
    async () => {
      const rs = await store.client.query({
        query: 'SELECT count() AS n, uniqExact(event_id) AS u FROM tool_invocations FINAL WHERE org IN {orgs:Array(String)}',
        query_params: { orgs },
        format: 'JSONEachRow',
      });
      const [row] = await rs.json<{ n: string; u: string }>();
      return Number(row?.u) >= total ? { rows: Number(row?.n), unique: Number(row?.u) } : undefined;
    },
    300_000,
  );
  clearInterval(watch);
  const allStoredMs = Date.now() - upAt;
  assert.deepEqual(counted, { rows: total, unique: total }, 'one row per call: none lost, none twice');

  // The fold's totals (not deduplicated by event id) count each call once.
  for (const summary of [first, second]) {
    for (const s of summary.tally.series.values()) {
      const t = (await queryToolTotals(store, { org: s.org })).find((x) => x.workspace === s.workspace && x.plugin === s.plugin && x.tool === s.tool);
      assert.deepEqual(t && { calls: t.calls, tokensIn: t.tokensIn }, { calls: s.calls, tokensIn: s.tokensIn }, `${s.org} ${s.workspace}/${s.plugin}/${s.tool}`);
    }
  }
  assert.deepEqual(fatal, [], 'the worker never gave up');
  // What an operator saw: the figures go to docs/operations.md (Faults).
  console.log(
    JSON.stringify({
      storedAtKill,
      messagesAtRestart: messagesAtUp,
      outageMs,
      resumedAfterRestartMs: resumedAt ? resumedAt - upAt : null,
      allStoredAfterRestartMs: allStoredMs,
      commitFailures: worker.totals.commitFailures,
      sinkWarnings: [...new Set(sinkWarnings)],
      busWarnings: [...new Set(warnings)].slice(0, 5),
      busWarningCount: warnings.length,
    }),
  );
});
