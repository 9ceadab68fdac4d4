// Authenticated Kafka: a real broker whose only client listener requires
// SASL/PLAIN. The right credentials produce and consume; a wrong password is
// refused with NOT_AUTHORIZED (not retried as if the broker were down), and a
// client without credentials gets nothing through.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBusError } from '../errors.ts';
import { collect, freePortPair, uniqueName } from '../testing.ts';
import { createKafkaBus } from './kafka-bus.ts';
import { startLocalBroker, type LocalBroker } from './local-broker.ts';

const retry = { retries: 2, initialRetryTime: 100, maxRetryTime: 500 };
const USERS = { gateway: 'p@ss=w0rd!-1' };

describe('SASL/PLAIN', { timeout: 180_000 }, () => {
  let dataDir: string;
  let broker: LocalBroker;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mcpg-sasl-broker-'));
    broker = await startLocalBroker({ port: await freePortPair(19420, 19440), dataDir, heapMb: 384, saslPlainUsers: USERS });
  });
  after(async () => {
    await broker?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('the right credentials produce and consume', async () => {
    const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'sasl-ok', retry, sasl: { mechanism: 'plain', username: 'gateway', password: USERS.gateway } });
    try {
      const topic = uniqueName('sasl');
      await bus.ensureTopics([{ name: topic, partitions: 1 }]);
      const producer = await bus.producer();
      await producer.send(topic, [{ key: 'acme', value: Buffer.from('authenticated') }]);
      const consumer = await bus.consumer({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true });
      const got = await collect(consumer, 1);
      await consumer.close();
      assert.deepEqual(got.map((m) => m.value.toString()), ['authenticated']);
    } finally {
      await bus.close();
    }
  });

  test('a wrong password is refused as NOT_AUTHORIZED', async () => {
    const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'sasl-bad', retry, sasl: { mechanism: 'plain', username: 'gateway', password: 'wrong' } });
    try {
      await assert.rejects(bus.ensureTopics([{ name: uniqueName('denied'), partitions: 1 }]), (e: unknown) => {
        assert.ok(isBusError(e, 'NOT_AUTHORIZED'), String(e));
        assert.equal(e.retriable, false);
        assert.doesNotMatch(e.message, /wrong/, 'the password is not in the message');
        return true;
      });
    } finally {
      await bus.close();
    }
  });

  test('no credentials: nothing gets through', async () => {
    const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'sasl-none', retry, connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 });
    try {
      await assert.rejects(bus.ensureTopics([{ name: uniqueName('anon'), partitions: 1 }]), (e: unknown) => isBusError(e));
    } finally {
      await bus.close();
    }
  });
});
