// The behaviour every bus adapter owes its callers. Each adapter's spec runs
// this suite; tests isolate themselves by unique topic and group names, so a
// shared broker is fine.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BusError, isBusError } from './errors.ts';
import { partitionForKey } from './partitioner.ts';
import type { Bus, BusFailure, BusProducer, IncomingMessage } from '@mcpg/pipeline';
import { collect, delay, uniqueName } from './testing.ts';

const text = (m: IncomingMessage): string => m.value.toString('utf8');

export function describeBusContract(name: string, makeBus: () => Promise<Bus>): void {
  describe(`bus contract: ${name}`, () => {
    let bus: Bus;
    let producer: BusProducer;

    before(async () => {
      bus = await makeBus();
      producer = await bus.producer();
    });
    after(async () => {
      await producer?.close();
      await bus?.close();
    });

    const newTopic = async (partitions: number): Promise<string> => {
      const topic = uniqueName('contract');
      await bus.ensureTopics([{ name: topic, partitions }]);
      return topic;
    };

    test('produce then consume: every message, in order within each partition', async () => {
      const topic = await newTopic(3);
      const sent = Array.from({ length: 60 }, (_, i) => ({ key: `org-${i % 7}`, value: Buffer.from(`m${i}`) }));
      await producer.send(topic, sent.slice(0, 25));
      await Promise.all([producer.send(topic, sent.slice(25, 40)), producer.send(topic, sent.slice(40))]);
      const consumer = await bus.consumer({ groupId: uniqueName('g'), topics: [topic] });
      const got = await collect(consumer, sent.length);
      await consumer.close();

      assert.deepEqual(got.map(text).sort(), sent.map((m) => m.value.toString()).sort());
      for (let partition = 0; partition < 3; partition++) {
        const offsets = got.filter((m) => m.partition === partition).map((m) => Number(m.offset));
        assert.deepEqual(offsets, offsets.map((_, i) => i), `partition ${partition} offsets 0..n in order`);
      }
      // Per key, the order of sending survives (one partition per key, sends awaited in order).
      for (let k = 0; k < 7; k++) {
        const key = `org-${k}`;
        const order = got.filter((m) => m.key === key).map(text);
        const first25 = sent.slice(0, 25).filter((m) => m.key === key).map((m) => m.value.toString());
        assert.deepEqual(order.slice(0, first25.length), first25);
      }
    });

    test('end offsets: where the next message of each partition will land; none for a missing topic', async () => {
      const topic = await newTopic(2);
      assert.deepEqual([...(await bus.endOffsets(topic))].sort(), [[0, '0'], [1, '0']]);
      const keys = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
      await producer.send(topic, keys.map((key) => ({ key, value: Buffer.from(key) })));
      const want = new Map<number, string>([[0, '0'], [1, '0']]);
      for (const key of keys) want.set(partitionForKey(key, 2), String(Number(want.get(partitionForKey(key, 2))) + 1));
      assert.deepEqual([...(await bus.endOffsets(topic))].sort(), [...want].sort());
      assert.equal((await bus.endOffsets(uniqueName('missing'))).size, 0);
    });

    test('a key always maps to the same partition, the one Kafka would choose', async () => {
      const topic = await newTopic(4);
      const keys = ['acme', 'globex', 'initech', 'umbrella', 'hooli'];
      for (let round = 0; round < 3; round++) {
        await producer.send(topic, keys.map((key) => ({ key, value: Buffer.from(`${key}:${round}`) })));
      }
      const consumer = await bus.consumer({ groupId: uniqueName('g'), topics: [topic] });
      const got = await collect(consumer, keys.length * 3);
      await consumer.close();
      for (const m of got) assert.equal(m.partition, partitionForKey(m.key!, 4), `key ${m.key}`);
    });

    test('headers and keys round-trip (traceparent, no headers, null key)', async () => {
      const topic = await newTopic(1);
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await producer.send(topic, [
        { key: 'acme', value: Buffer.from('a'), headers: { traceparent, 'x-mcpg': 'ü' } },
        { key: null, value: Buffer.from([0, 1, 255]) },
      ]);
      const consumer = await bus.consumer({ groupId: uniqueName('g'), topics: [topic] });
      const [first, second] = await collect(consumer, 2);
      await consumer.close();
      assert.deepEqual(first!.headers, { traceparent, 'x-mcpg': 'ü' });
      assert.equal(first!.key, 'acme');
      assert.deepEqual(second!.headers, {});
      assert.equal(second!.key, null);
      assert.deepEqual([...second!.value], [0, 1, 255]);
      assert.ok(Math.abs(first!.timestamp - Date.now()) < 60_000, 'timestamp is epoch ms');
    });

    test('raw bytes round-trip: a key and header values that are not UTF-8, a repeated header, a null value', async () => {
      const topic = await newTopic(1);
      const key = Buffer.from([0xff, 0x00, 0xc3, 0x28]);
      const bad = Buffer.from([0xe2, 0x82]);
      const other = Buffer.from([0x80, 0x81]);
      await producer.send(topic, [{ key, value: null, headers: { h: bad, twice: ['a', other] } }]);
      const consumer = await bus.consumer({ groupId: uniqueName('g'), topics: [topic] });
      const [m] = await collect(consumer, 1);
      await consumer.close();
      assert.deepEqual(m!.raw.key, key);
      assert.equal(m!.raw.value, null, 'a null value stays null');
      assert.deepEqual(m!.raw.headers, { h: [bad], twice: [Buffer.from('a'), other] });
      // The text forms decoders read: U+FFFD for what is not UTF-8, empty for null, the last repeat.
      assert.equal(m!.value.length, 0);
      assert.equal(m!.headers.twice, other.toString('utf8'));
      assert.equal(m!.partition, partitionForKey(key, 1));
    });

    test('uncommitted messages are redelivered to the next consumer of the group', async () => {
      const topic = await newTopic(1);
      const groupId = uniqueName('g');
      await producer.send(topic, Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: Buffer.from(`m${i}`) })));
      const first = await bus.consumer({ groupId, topics: [topic] });
      await collect(first, 10);
      await first.commit([{ topic, partition: 0, offset: '4' }]);
      await first.close();

      const second = await bus.consumer({ groupId, topics: [topic] });
      const again = await collect(second, 6);
      await second.close();
      assert.deepEqual(again.map((m) => m.offset), ['4', '5', '6', '7', '8', '9']);
    });

    test('committed messages are not redelivered', async () => {
      const topic = await newTopic(1);
      const groupId = uniqueName('g');
      await producer.send(topic, Array.from({ length: 5 }, (_, i) => ({ key: 'k', value: Buffer.from(`m${i}`) })));
      const first = await bus.consumer({ groupId, topics: [topic] });
      await collect(first, 5);
      await first.commit([{ topic, partition: 0, offset: '5' }]);
      await first.close();

      await producer.send(topic, [{ key: 'k', value: Buffer.from('after') }]);
      const second = await bus.consumer({ groupId, topics: [topic] });
      const [next] = await collect(second, 1);
      await second.close();
      assert.equal(next!.offset, '5');
      assert.equal(text(next!), 'after');
    });

    test('two groups each see every message', async () => {
      const topic = await newTopic(2);
      await producer.send(topic, Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`m${i}`) })));
      const a = await bus.consumer({ groupId: uniqueName('ga'), topics: [topic] });
      const b = await bus.consumer({ groupId: uniqueName('gb'), topics: [topic] });
      const [gotA, gotB] = await Promise.all([collect(a, 20), collect(b, 20)]);
      await Promise.all([a.close(), b.close()]);
      assert.equal(new Set(gotA.map(text)).size, 20);
      assert.equal(new Set(gotB.map(text)).size, 20);
    });

    test('ensureTopics is idempotent', async () => {
      const topic = uniqueName('contract');
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      await bus.ensureTopics([{ name: topic, partitions: 2 }, { name: uniqueName('contract') }]);
      await producer.send(topic, [{ key: 'k', value: Buffer.from('x') }]);
    });

    test('a send to a missing topic rejects with TOPIC_NOT_FOUND', async () => {
      const missing = uniqueName('missing');
      await assert.rejects(producer.send(missing, [{ key: 'k', value: Buffer.from('x') }]), (error: unknown) => {
        assert.ok(isBusError(error, 'TOPIC_NOT_FOUND'), `got ${String(error)}`);
        assert.equal(error.retriable, false);
        return true;
      });
      // The producer is still usable afterwards.
      const topic = await newTopic(1);
      await producer.send(topic, [{ key: 'k', value: Buffer.from('x') }]);
    });

    test('close waits for the batch in progress, which can still commit', async () => {
      const topic = await newTopic(1);
      const groupId = uniqueName('g');
      await producer.send(topic, [{ key: 'k', value: Buffer.from('slow') }]);
      const consumer = await bus.consumer({ groupId, topics: [topic] });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let entered!: () => void;
      const inHandler = new Promise<void>((resolve) => (entered = resolve));
      let handlerDone = false;
      await consumer.start(async (batch) => {
        entered();
        await gate;
        const last = batch.messages[batch.messages.length - 1]!;
        await consumer.commit([{ topic, partition: batch.partition, offset: String(Number(last.offset) + 1) }]);
        handlerDone = true;
      });
      await inHandler;
      let closed = false;
      const closing = consumer.close().then(() => (closed = true));
      await delay(300);
      assert.equal(closed, false, 'close resolved while the handler was still running');
      release();
      await closing;
      assert.equal(handlerDone, true);
      await assert.rejects(consumer.commit([{ topic, partition: 0, offset: '1' }]), (e: unknown) => isBusError(e, 'CLOSED'));

      // The commit made during close counted: the next member starts after it.
      await producer.send(topic, [{ key: 'k', value: Buffer.from('after') }]);
      const next = await bus.consumer({ groupId, topics: [topic] });
      const [first] = await collect(next, 1);
      await next.close();
      assert.equal(text(first!), 'after');
    });

    test('subscribing to a missing topic rejects with TOPIC_NOT_FOUND', async () => {
      const consumer = await bus.consumer({ groupId: uniqueName('g'), topics: [uniqueName('missing')] });
      await assert.rejects(consumer.start(async () => undefined), (e: unknown) => isBusError(e, 'TOPIC_NOT_FOUND'));
      await consumer.close();
    });

    test('a failing handler stops the consumer with HANDLER_FAILED; the batch is redelivered', async () => {
      const topic = await newTopic(1);
      const groupId = uniqueName('g');
      await producer.send(topic, [{ key: 'k', value: Buffer.from('poison') }]);
      let reported!: (e: BusFailure) => void;
      const onErrorCalled = new Promise<BusFailure>((resolve) => (reported = resolve));
      const failing = await bus.consumer({ groupId, topics: [topic], onError: (e) => reported(e) });
      let calls = 0;
      await failing.start(async () => {
        calls++;
        throw new Error('sink down');
      });
      const error = await onErrorCalled;
      assert.ok(error instanceof BusError, 'adapters report BusErrors');
      assert.equal(error.code, 'HANDLER_FAILED');
      assert.equal((error.cause as Error).message, 'sink down');
      await delay(200);
      assert.equal(calls, 1, 'no further batches after the failure');
      await failing.close();

      const next = await bus.consumer({ groupId, topics: [topic] });
      const [again] = await collect(next, 1);
      await next.close();
      assert.equal(text(again!), 'poison');
    });
  });
}
