// A ClickHouse server that is not there (a closed port): the standalone
// worker process waits for it instead of exiting into a crash loop, logs each
// attempt, stays alive (/healthz 200), says why it is not ready (/readyz 503),
// and still stops cleanly on SIGTERM. Nothing is consumed meanwhile, so
// nothing can be lost: the group commits no offset. (Once connected, a store
// that goes away mid-run is waited for the same way: the sink retries
// retriable failures for as long as they last, batching-sink.spec.ts.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const root = new URL('..', import.meta.url).pathname;
const run = randomBytes(4).toString('hex');
let child: ChildProcess | undefined;

after(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

/** A port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test('worker with ClickHouse unreachable: waits and says so in its log and readiness, never crash-loops', { timeout: 120_000 }, async () => {
  assert.ok(brokers.length, 'MCPG_TEST_KAFKA_BROKERS must name the test broker (npm test starts one)');
  const [clickhouse, http] = [await closedPort(), await closedPort()];
  const group = `ch-outage-${run}`;
  child = spawn(process.execPath, ['--import', 'tsx', 'apps/rollup-worker/src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      MCPG_KAFKA_BROKERS: brokers.join(','),
      MCPG_CLICKHOUSE_URL: `http://127.0.0.1:${clickhouse}`,
      MCPG_WORKER_GROUP: group,
      MCPG_WORKER_HTTP_PORT: String(http),
    },
  });
  const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));
  const waits: { attempt: number; code: string }[] = [];
  let enough!: () => void;
  const fourWaits = new Promise<void>((resolve) => (enough = resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (!line.includes('waiting for it (not exiting)')) return;
    waits.push(JSON.parse(line) as { attempt: number; code: string });
    if (waits.length >= 4) enough();
  });
  // The old behaviour: exit 1 at the first refused connection.
  const outcome = await Promise.race([fourWaits.then(() => 'waiting'), exited.then((code) => `exited with ${code}`)]);
  assert.equal(outcome, 'waiting');
  assert.deepEqual(waits.map((w) => [w.attempt, w.code]), [[1, 'CLICKHOUSE_UNREACHABLE'], [2, 'CLICKHOUSE_UNREACHABLE'], [3, 'CLICKHOUSE_UNREACHABLE'], [4, 'CLICKHOUSE_UNREACHABLE']]);

  const base = `http://127.0.0.1:${http}`;
  assert.equal((await fetch(`${base}/healthz`)).status, 200, 'alive');
  const ready = await fetch(`${base}/readyz`);
  assert.equal(ready.status, 503, 'not ready');
  assert.match(((await ready.json()) as { reason: string }).reason, /^waiting for ClickHouse: CLICKHOUSE_UNREACHABLE \(attempt \d+/);

  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    assert.ok(!groups.includes(group), 'the worker did not join its group: nothing consumed, nothing committed');
  } finally {
    await admin.disconnect();
  }

  child.kill('SIGTERM');
  assert.equal(await exited, 0, 'a clean stop while waiting');
});
