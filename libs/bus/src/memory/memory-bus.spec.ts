import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeBusContract } from '../bus.contract.ts';
import { isBusError } from '../errors.ts';
import { collect, uniqueName } from '../testing.ts';
import { createMemoryBus } from './memory-bus.ts';

describeBusContract('memory', async () => createMemoryBus());

describe('memory bus', () => {
  test('two members of one group split the partitions and together see each message once', async () => {
    const bus = createMemoryBus({ maxBatchMessages: 3 });
    const topic = uniqueName('t');
    await bus.ensureTopics([{ name: topic, partitions: 4 }]);
    const producer = await bus.producer();
    await producer.send(topic, Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(`m${i}`) })));
    const groupId = uniqueName('g');
    const a = await bus.consumer({ groupId, topics: [topic] });
    const b = await bus.consumer({ groupId, topics: [topic] });
    const seenBy = new Map<string, Set<number>>([['a', new Set()], ['b', new Set()]]);
    const all: string[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const handler = (who: string) => async (batch: { partition: number; messages: readonly { value: Buffer }[] }) => {
      seenBy.get(who)!.add(batch.partition);
      all.push(...batch.messages.map((m) => m.value.toString()));
      if (all.length >= 40) done();
    };
    // Both join before anything is delivered: the group loop starts on the next tick.
    await Promise.all([a.start(handler('a')), b.start(handler('b'))]);
    await finished;
    assert.equal(all.length, 40);
    assert.equal(new Set(all).size, 40);
    assert.deepEqual([...seenBy.get('a')!].filter((p) => seenBy.get('b')!.has(p)), [], 'no partition served to both');
    await bus.close();
  });

  test('a topic spec without partitions gets defaultPartitions', async () => {
    const bus = createMemoryBus({ defaultPartitions: 5 });
    await bus.ensureTopics([{ name: 'calls' }]);
    const producer = await bus.producer();
    await producer.send('calls', Array.from({ length: 50 }, (_, i) => ({ key: `org-${i}`, value: Buffer.alloc(1) })));
    const got = await collect(await bus.consumer({ groupId: 'g', topics: ['calls'] }), 50);
    assert.equal(new Set(got.map((m) => m.partition)).size, 5);
    await bus.close();
  });

  test('fromBeginning: false starts a new group at the end of the log', async () => {
    const bus = createMemoryBus();
    await bus.ensureTopics([{ name: 't', partitions: 1 }]);
    const producer = await bus.producer();
    await producer.send('t', [{ key: null, value: Buffer.from('old') }]);
    const consumer = await bus.consumer({ groupId: 'g', topics: ['t'], fromBeginning: false });
    const got = collect(consumer, 1);
    await new Promise((resolve) => setImmediate(resolve));
    await producer.send('t', [{ key: null, value: Buffer.from('new') }]);
    assert.equal((await got)[0]!.value.toString(), 'new');
    await bus.close();
  });

  test('a closed bus refuses work with CLOSED; subscribing to a missing topic is TOPIC_NOT_FOUND', async () => {
    const bus = createMemoryBus();
    const consumer = await bus.consumer({ groupId: 'g', topics: ['nope'] });
    await assert.rejects(consumer.start(async () => undefined), (e: unknown) => isBusError(e, 'TOPIC_NOT_FOUND'));
    await bus.close();
    await assert.rejects(bus.producer(), (e: unknown) => isBusError(e, 'CLOSED'));
  });
});
