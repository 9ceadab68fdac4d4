// The worker's probes and metrics as an orchestrator and Prometheus see them:
// a rollup worker folds simulated traffic (some of it malformed) into the
// embedded engine, and its HTTP server must say live at once, ready only once
// the worker consumes and ClickHouse answers, and count exactly what it did.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryBus } from '@mcpg/bus';
import { createStore, migrate, type Store } from '@mcpg/store';
import { runFleetSim } from './fleet-sim.ts';
import { startRollupWorker, type RunningWorker } from './rollup-worker.ts';
import { startWorkerHttp, type WorkerHttp } from './worker-http.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-worker-http-'));
let store: Store;
let http: WorkerHttp;
let worker: RunningWorker | undefined;
const bus = createMemoryBus();

before(async () => {
  store = await createStore({ kind: 'embedded', dataDir, database: 'worker_http' });
  await migrate(store);
  http = await startWorkerHttp({ worker: 'rollup-worker', host: '127.0.0.1', port: 0, store });
});

after(async () => {
  await worker?.stop();
  await http.close();
  await bus.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(`${http.url}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('live at once, not ready until the worker has joined its group', async () => {
  assert.equal((await get('/healthz')).status, 200);
  const ready = await get('/readyz');
  assert.equal(ready.status, 503);
  assert.match(JSON.parse(ready.body).reason, /not joined its consumer group/);
});

test('ready once attached; /metrics counts every message, row and dead letter exactly', async () => {
  worker = await startRollupWorker({ bus, store, partitions: 3, batchRows: 500, flushMs: 50 });
  http.attach(worker);
  assert.deepEqual(JSON.parse((await get('/readyz')).body), { status: 'ok' });

  const sent = await runFleetSim({ bus, seed: 3, orgs: ['probe-org'], gateways: 2, rate: 1e6, totalCalls: 1200, malformedEvery: 100, audit: false, partitions: 3 });
  const malformed = Object.values(sent.tally.malformed).reduce((a, b) => a + b, 0);
  assert.ok(malformed > 0, 'the simulator sent malformed events');
  const deadline = Date.now() + 20_000;
  let text = '';
  while (Date.now() < deadline) {
    text = (await get('/metrics')).body;
    if (sample(text, 'mcpg_worker_messages_total') === sent.tally.calls + malformed) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(sample(text, 'mcpg_worker_messages_total'), sent.tally.calls + malformed);
  assert.equal(sample(text, 'mcpg_worker_rows_written_total'), sent.tally.calls);
  assert.equal(sample(text, 'mcpg_worker_dead_letters_total'), malformed);
  assert.equal(sample(text, 'mcpg_worker_dead_letter_references_total'), 0, 'every malformed message fit whole');
  assert.ok((sample(text, 'mcpg_worker_flushes_total') ?? 0) >= 1);
  assert.ok((sample(text, 'mcpg_worker_ingest_lag_p99_seconds') ?? -1) >= 0);
  assert.match(text, /mcpg_worker_messages_total\{worker="rollup-worker"\}/);
  // The process metrics come along, for memory and CPU alerts.
  assert.ok(sample(text, 'process_resident_memory_bytes') !== undefined);
});

test('unknown paths and methods get a clear 4xx', async () => {
  const missing = await get('/nope');
  assert.equal(missing.status, 404);
  assert.match(JSON.parse(missing.body).error, /\/healthz, \/readyz or \/metrics/);
  const post = await fetch(`${http.url}/readyz`, { method: 'POST' });
  assert.equal(post.status, 405);
});

test('not ready while draining, still live', async () => {
  http.draining();
  const ready = await get('/readyz');
  assert.equal(ready.status, 503);
  assert.match(JSON.parse(ready.body).reason, /shutting down/);
  assert.equal((await get('/healthz')).status, 200);
});

test('a port in use is refused with the setting named', async () => {
  const port = Number(new URL(http.url).port);
  await assert.rejects(startWorkerHttp({ worker: 'x', host: '127.0.0.1', port, store }), /EADDRINUSE.*MCPG_WORKER_HTTP_PORT/);
});

test('not ready when ClickHouse does not answer, naming the failure', async () => {
  const other = await createStore({ kind: 'embedded', dataDir, database: 'worker_http_closed' });
  const probe = await startWorkerHttp({ worker: 'x', host: '127.0.0.1', port: 0, store: other });
  try {
    probe.attach({ totals: { messages: 0, rows: 0, deadLetters: 0, deadLetterReferences: 0, flushes: 0, commitFailures: 0 }, lag: worker!.lag });
    await other.close();
    const res = await fetch(`${probe.url}/readyz`);
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as { reason: string }).reason, /ClickHouse did not answer SELECT 1 \(STORE_CLOSED\)/);
  } finally {
    await probe.close();
  }
});

test('while the process waits for ClickHouse: alive, not ready, and /readyz says why', async () => {
  const probe = await startWorkerHttp({ worker: 'x', host: '127.0.0.1', port: 0 });
  try {
    probe.waitingForStore('CLICKHOUSE_UNREACHABLE (attempt 3; next in 2000 ms)');
    assert.equal((await fetch(`${probe.url}/healthz`)).status, 200);
    const res = await fetch(`${probe.url}/readyz`);
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as { reason: string }).reason, /^waiting for ClickHouse: CLICKHOUSE_UNREACHABLE \(attempt 3/);
    probe.useStore(store);
    probe.attach({ totals: { messages: 0, rows: 0, deadLetters: 0, deadLetterReferences: 0, flushes: 0, commitFailures: 0 }, lag: worker!.lag });
    assert.equal((await fetch(`${probe.url}/readyz`)).status, 200, 'ready once connected and consuming');
  } finally {
    await probe.close();
  }
});
