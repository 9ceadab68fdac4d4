// The bus contract against a real Kafka broker: MCPG_TEST_KAFKA_BROKERS if set,
// else a local broker started for this file (ports 19092-19099).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBusContract } from '../bus.contract.ts';
import { isBusError } from '../errors.ts';
import { collect, delay, freePortPair, uniqueName, useTestBroker, type TestBroker } from '../testing.ts';
import { createKafkaBus } from './kafka-bus.ts';
import type { RetryPolicy } from './kafka-options.ts';

// Enough to ride out a fresh broker creating __consumer_offsets, without the production backoff.
const TEST_RETRY: RetryPolicy = { retries: 10, initialRetryTime: 100, maxRetryTime: 1_000 };

let broker: TestBroker;
before(async () => {
  broker = await useTestBroker(process.env.MCPG_TEST_KAFKA_BROKERS);
}, { timeout: 180_000 });
after(async () => {
  await broker?.stop();
});

describeBusContract('kafka', async () =>
  createKafkaBus({ brokers: broker.brokers, clientId: 'mcpg-contract', retry: TEST_RETRY, consumer: { maxWaitMs: 200 } }),
);

describe('kafka bus', () => {
  test('no broker at the address: BROKER_UNREACHABLE naming it and what to do', async () => {
    const port = await freePortPair(19200, 19299);
    const bus = createKafkaBus({ brokers: [`127.0.0.1:${port}`], clientId: 'mcpg-test', retry: { retries: 1, initialRetryTime: 20 } });
    for (const attempt of [() => bus.ensureTopics([{ name: 'x' }]), () => bus.producer()]) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(isBusError(error, 'BROKER_UNREACHABLE'), String(error));
        assert.equal(error.retriable, true);
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
        assert.match(error.message, /mcpg kafka start/);
        assert.match(error.message, /--bus memory/);
        return true;
      });
    }
    await bus.close();
  });

  test('gzip-compressed batches round-trip', async () => {
    const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'mcpg-test', retry: TEST_RETRY, compression: 'gzip' });
    const topic = uniqueName('gzip');
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    const producer = await bus.producer();
    const value = Buffer.from('x'.repeat(10_000));
    await Promise.all(Array.from({ length: 20 }, () => producer.send(topic, [{ key: 'k', value }])));
    const got = await collect(await bus.consumer({ groupId: uniqueName('g'), topics: [topic] }), 20);
    assert.ok(got.every((m) => m.value.equals(value)));
    await bus.close();
  });

  test('concurrent sends keep per-key order through linger batching', async () => {
    const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'mcpg-test', retry: TEST_RETRY, lingerMs: 10 });
    const topic = uniqueName('order');
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    const producer = await bus.producer();
    // Not awaited one by one: they overlap, and are merged into shared produce requests.
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) sends.push(producer.send(topic, [{ key: `org-${i % 5}`, value: Buffer.from(String(i)) }]));
    await Promise.all(sends);
    const got = await collect(await bus.consumer({ groupId: uniqueName('g'), topics: [topic] }), 300);
    for (let k = 0; k < 5; k++) {
      const seq = got.filter((m) => m.key === `org-${k}`).map((m) => Number(m.value.toString()));
      assert.deepEqual(seq, [...seq].sort((a, b) => a - b), `org-${k} in send order`);
    }
    await bus.close();
  });

  test('a batch that outlasts the session timeout keeps its partition (it heartbeats)', { timeout: 60_000 }, async () => {
    // 6 s is the broker's smallest allowed session; without heartbeats the member
    // would be expelled during the 9 s batch and the message redelivered on rejoin.
    const bus = createKafkaBus({
      brokers: broker.brokers,
      clientId: 'mcpg-test',
      retry: TEST_RETRY,
      consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 1_000, maxWaitMs: 200 },
    });
    const topic = uniqueName('long');
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    await (await bus.producer()).send(topic, [{ key: 'k', value: Buffer.from('long') }]);
    const consumer = await bus.consumer({ groupId: uniqueName('g'), topics: [topic] });
    let calls = 0;
    await consumer.start(async () => {
      calls++;
      if (calls === 1) await delay(9_000);
    });
    while (calls === 0) await delay(50);
    await delay(9_000 + 3_000);
    assert.equal(calls, 1, 'the batch was delivered again: the member lost its partition');
    await bus.close();
  });
});
