// The local broker launcher: data survives a restart, taken ports fail fast,
// and a broker does not outlive a parent that was killed.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { isBusError } from '../errors.ts';
import { collect, delay, freePortPair, uniqueName } from '../testing.ts';
import { createKafkaBus } from './kafka-bus.ts';
import { startLocalBroker, type LocalBroker } from './local-broker.ts';

const retry = { retries: 10, initialRetryTime: 100, maxRetryTime: 1_000 };
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('local broker', { timeout: 240_000 }, () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcpg-local-broker-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a restart on the same data directory keeps topics and messages; a taken port fails fast', async () => {
    const port = await freePortPair(19092, 19099);
    const topic = uniqueName('kept');
    let broker: LocalBroker = await startLocalBroker({ port, dataDir, heapMb: 384 });
    try {
      const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'mcpg-test', retry });
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      const producer = await bus.producer();
      await producer.send(topic, [{ key: 'acme', value: Buffer.from('before restart') }]);
      await bus.close();

      const started = Date.now();
      await assert.rejects(startLocalBroker({ port, dataDir: join(dataDir, 'other') }), (e: unknown) => {
        assert.ok(isBusError(e, 'PORT_IN_USE'), String(e));
        assert.match(e.message, new RegExp(String(port)));
        return true;
      });
      assert.ok(Date.now() - started < 5_000, 'failed before starting a JVM');
    } finally {
      await broker.stop();
      await broker.stop(); // idempotent
    }
    assert.equal(alive(broker.pid), false);

    broker = await startLocalBroker({ port, dataDir, heapMb: 384 });
    try {
      const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'mcpg-test', retry });
      const [message] = await collect(await bus.consumer({ groupId: uniqueName('g'), topics: [topic] }), 1);
      assert.equal(message!.value.toString(), 'before restart');
      await bus.close();
    } finally {
      await broker.stop();
    }
  });

  test('a broker whose parent is SIGKILLed shuts down by itself', async () => {
    const port = await freePortPair(19092, 19099);
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'testdata', 'broker-child.ts'), String(port), join(dataDir, 'orphan')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    const { pid } = JSON.parse(line) as { pid: number };
    assert.ok(alive(pid));
    child.kill('SIGKILL');
    const deadline = Date.now() + 30_000;
    while (alive(pid) && Date.now() < deadline) await delay(200);
    assert.equal(alive(pid), false, `broker ${pid} still running 30 s after its parent died`);
  });
});
