import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BatchingSink, type FlushReport, type SinkOptions } from './batching-sink.ts';
import { DEFAULT_RETRY, NO_DELAY_RETRY } from './retry.ts';
import { DLQ_HEADERS } from './dead-letter.ts';
import type { BatchHandler, BusConsumer, BusProducer, CommitPosition, IncomingMessage, OutgoingMessage } from './bus-port.ts';

function fakeConsumer() {
  let handler: BatchHandler | undefined;
  const commits: CommitPosition[][] = [];
  const consumer: BusConsumer = {
    async start(h) {
      handler = h;
    },
    async commit(p) {
      commits.push([...p]);
    },
    async close() {},
  };
  const deliver = (partition: number, values: string[], firstOffset = 0) =>
    handler!({
      topic: 't',
      partition,
      highWatermark: String(firstOffset + values.length),
      messages: values.map(
        (v, i): IncomingMessage => ({
          topic: 't',
          partition,
          offset: String(firstOffset + i),
          key: 'k',
          value: Buffer.from(v),
          headers: {},
          timestamp: 0,
          raw: { key: Buffer.from('k'), value: Buffer.from(v), headers: {} },
        }),
      ),
    });
  return { consumer, commits, deliver };
}

function fakeProducer() {
  const sent: { topic: string; messages: readonly OutgoingMessage[] }[] = [];
  const producer: BusProducer = {
    async send(topic, messages) {
      sent.push({ topic, messages });
    },
    async close() {},
  };
  return { producer, sent };
}

const decode = (m: IncomingMessage) => {
  const s = m.value.toString();
  if (s.startsWith('bad')) throw Object.assign(new Error(`cannot read ${s}`), { code: 'CORRUPT' });
  return [s];
};

/** A sink over fakes with the settings most tests share; each test sets what it is about. */
function testSink(
  over: Pick<SinkOptions<string>, 'consumer' | 'producer' | 'write' | 'batchRows'> & Partial<SinkOptions<string>>,
): BatchingSink<string> {
  return new BatchingSink<string>({ name: 'test', deadLetterTopic: 'dlq', decode, flushMs: 60_000, retry: NO_DELAY_RETRY, ...over });
}

test('rows are written by size and offsets committed only after the write', async () => {
  const c = fakeConsumer();
  const p = fakeProducer();
  const writes: string[][] = [];
  let commitsAtWrite = -1;
  const sink = testSink({
    consumer: c.consumer,
    producer: p.producer,
    write: async (rows) => {
      commitsAtWrite = c.commits.length;
      writes.push(rows);
    },
    batchRows: 3,
  });
  await sink.start();
  await c.deliver(0, ['a', 'b']);
  assert.equal(writes.length, 0, 'below batchRows nothing is written');
  assert.equal(c.commits.length, 0);
  await c.deliver(1, ['c']);
  await sink.flush(); // waits for the write the full buffer started
  assert.deepEqual(writes, [['a', 'b', 'c']]);
  assert.equal(commitsAtWrite, 0, 'commit happens after the write');
  assert.deepEqual(
    c.commits[0]?.sort((x, y) => x.partition - y.partition),
    [
      { topic: 't', partition: 0, offset: '2' },
      { topic: 't', partition: 1, offset: '1' },
    ],
  );
  await sink.stop();
});

test('undecodable messages go to the dead-letter topic with reason and origin, and are committed', async () => {
  const c = fakeConsumer();
  const p = fakeProducer();
  const writes: string[][] = [];
  const sink = testSink({
    name: 'rollup',
    consumer: c.consumer,
    producer: p.producer,
    write: async (rows) => void writes.push(rows),
    batchRows: 100,
  });
  await sink.start();
  await c.deliver(0, ['a', 'bad1', 'b'], 10);
  await sink.stop();
  assert.deepEqual(writes, [['a', 'b']]);
  assert.equal(p.sent.length, 1);
  const dl = p.sent[0]!;
  assert.equal(dl.topic, 'dlq');
  assert.equal(dl.messages[0]?.value?.toString(), 'bad1');
  assert.equal(dl.messages[0]?.headers?.[DLQ_HEADERS.code], 'CORRUPT');
  assert.match(String(dl.messages[0]?.headers?.[DLQ_HEADERS.reason]), /cannot read bad1/);
  assert.equal(dl.messages[0]?.headers?.[DLQ_HEADERS.offset], '11');
  assert.deepEqual(c.commits.at(-1), [{ topic: 't', partition: 0, offset: '13' }]);
  assert.equal(sink.totals.deadLetters, 1);
});

test('a timer flushes a partial buffer', async () => {
  const c = fakeConsumer();
  const p = fakeProducer();
  const writes: string[][] = [];
  const sink = testSink({
    consumer: c.consumer,
    producer: p.producer,
    write: async (rows) => void writes.push(rows),
    batchRows: 1000,
    flushMs: 10,
  });
  await sink.start();
  await c.deliver(0, ['x']);
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(writes, [['x']]);
  assert.equal(c.commits.length, 1);
  await sink.stop();
});

test('a write that keeps failing commits nothing, reports once, and refuses further batches', async () => {
  const c = fakeConsumer();
  const p = fakeProducer();
  let attempts = 0;
  const fatal: unknown[] = [];
  const sink = testSink({
    consumer: c.consumer,
    producer: p.producer,
    write: async () => {
      attempts++;
      throw Object.assign(new Error('store down'), { retriable: true });
    },
    batchRows: 1,
    onFatal: (e) => fatal.push(e),
  });
  await sink.start();
  await c.deliver(0, ['a']); // starts the write; the batch after it learns the outcome
  await assert.rejects(c.deliver(0, ['b'], 1), /store down/);
  assert.equal(attempts, NO_DELAY_RETRY.retries + 1);
  assert.equal(c.commits.length, 0);
  assert.equal(fatal.length, 1);
  await assert.rejects(c.deliver(0, ['c'], 2), /store down/);
});

test('stop writes and commits the buffer before closing the consumer; later batches stay uncommitted', async () => {
  const c = fakeConsumer();
  const p = fakeProducer();
  const events: string[] = [];
  const consumer: BusConsumer = {
    ...c.consumer,
    async commit(pos) {
      events.push(`commit ${pos.map((x) => x.offset).join(',')}`);
      await c.consumer.commit(pos);
    },
    async close() {
      events.push('close');
    },
  };
  const sink = testSink({
    consumer,
    producer: p.producer,
    write: async (rows) => void events.push(`write ${rows.join(',')}`),
    batchRows: 1000,
  });
  await sink.start();
  await c.deliver(0, ['a', 'b']);
  const stopped = sink.stop();
  await c.deliver(0, ['c'], 2);
  await stopped;
  assert.deepEqual(events, ['write a,b', 'commit 2', 'close']);
});

test('the next buffer fills while a write runs, but never two writes at once', async () => {
  const c = fakeConsumer();
  const p = fakeProducer();
  let running = 0;
  let maxRunning = 0;
  let release!: () => void;
  const writes: string[][] = [];
  const sink = testSink({
    consumer: c.consumer,
    producer: p.producer,
    write: async (rows) => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((r) => (release = r));
      writes.push(rows);
      running--;
    },
    batchRows: 2,
  });
  await sink.start();
  await c.deliver(0, ['a', 'b']); // full: write 1 starts, delivery returns
  await c.deliver(0, ['c'], 2); // decoded while write 1 runs
  const third = c.deliver(0, ['d'], 3); // full again: must wait for write 1
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(running, 1);
  assert.equal(c.commits.length, 0, 'nothing committed before its write');
  release();
  await third;
  await new Promise((r) => setTimeout(r, 10));
  release();
  await sink.stop();
  assert.deepEqual(writes, [['a', 'b'], ['c', 'd']]);
  assert.equal(maxRunning, 1);
  assert.deepEqual(c.commits.map((x) => x[0]?.offset), ['2', '4']);
});

test('each flush is recorded after the write and before the commit: positions, backlog, lag and dead letters', async () => {
  const c = fakeConsumer();
  const p = fakeProducer();
  const order: string[] = [];
  const reports: FlushReport[] = [];
  const consumer: BusConsumer = {
    ...c.consumer,
    async commit(pos) {
      order.push('commit');
      await c.consumer.commit(pos);
    },
  };
  const sink = testSink({
    name: 'rollup-worker',
    consumer,
    producer: p.producer,
    write: async () => void order.push('write'),
    record: async (r) => {
      order.push('record');
      reports.push(r);
    },
    batchRows: 1000,
  });
  await sink.start();
  await c.deliver(4, ['a', 'bad-x', 'b'], 100);
  await sink.stop();
  assert.deepEqual(order, ['write', 'record', 'commit']);
  const [r] = reports;
  assert.equal(r?.consumer, 'rollup-worker');
  assert.deepEqual(
    r?.partitions.map(({ topic, partition, committedOffset, highWatermark }) => ({ topic, partition, committedOffset, highWatermark })),
    [{ topic: 't', partition: 4, committedOffset: '103', highWatermark: '103' }],
  );
  assert.ok((r?.partitions[0]?.ingestLagMs ?? -1) >= 0);
  assert.deepEqual(
    r?.deadLetters.map(({ offset, code }) => ({ offset, code })),
    [{ offset: '101', code: 'CORRUPT' }],
  );
});

test('a dead letter the broker refuses as too large goes out as a reference, is counted, and the sink moves on', async () => {
  const c = fakeConsumer();
  const p = fakeProducer();
  // A broker whose limit the huge message's copy (value plus the mcpg-dlq-* headers) exceeds.
  const limit = 1000;
  const refused: number[] = [];
  const producer: BusProducer = {
    async send(topic, messages) {
      const size = messages.reduce((n, m) => n + (m.value?.length ?? 0), 0);
      if (size > limit) {
        refused.push(messages.length);
        throw Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { code: 'MESSAGE_TOO_LARGE', retriable: false });
      }
      await p.producer.send(topic, messages);
    },
    async close() {},
  };
  const warned: object[] = [];
  const fatal: unknown[] = [];
  const writes: string[][] = [];
  const sink = testSink({
    consumer: c.consumer,
    producer,
    write: async (rows) => void writes.push(rows),
    batchRows: 1000,
    log: { info: () => undefined, warn: (o) => void warned.push(o), error: () => undefined },
    onFatal: (e) => fatal.push(e),
  });
  await sink.start();
  const huge = `bad-${'x'.repeat(1200)}`;
  await c.deliver(0, ['a', huge, 'bad-small', 'b'], 50);
  await sink.flush();
  await c.deliver(0, ['c'], 54);
  await sink.stop();
  assert.deepEqual(fatal, []);
  assert.deepEqual(writes, [['a', 'b'], ['c']], 'the rows around it and after it are stored');
  assert.deepEqual(c.commits.map((x) => x[0]?.offset), ['54', '55'], 'and committed past it');
  assert.deepEqual(refused, [1, 1], 'the huge copy, then once more on its own');
  const letters = p.sent.flatMap((s) => s.messages);
  assert.equal(letters.length, 2);
  const ref = letters.find((m) => m.headers?.[DLQ_HEADERS.offset] === '51')!;
  assert.equal(ref.value, null);
  assert.equal(ref.headers?.[DLQ_HEADERS.form], 'reference');
  assert.equal(ref.headers?.[DLQ_HEADERS.size], String(huge.length));
  assert.equal(ref.headers?.[DLQ_HEADERS.sha256], createHash('sha256').update(huge).digest('hex'));
  assert.equal(ref.headers?.[DLQ_HEADERS.code], 'CORRUPT');
  assert.equal(ref.headers?.[DLQ_HEADERS.topic], 't');
  assert.equal(ref.headers?.[DLQ_HEADERS.partition], '0');
  const small = letters.find((m) => m.headers?.[DLQ_HEADERS.offset] === '52')!;
  assert.equal(small.value?.toString(), 'bad-small', 'the others are still whole copies');
  assert.equal(small.headers?.[DLQ_HEADERS.form], undefined);
  assert.equal(sink.totals.deadLetters, 2);
  assert.equal(sink.totals.deadLetterReferences, 1);
  assert.equal(warned.length, 1);
  assert.match(JSON.stringify(warned[0]), /"offset":"51"/);
});

test('messages whose rows the write refuses for good are dead-lettered, recorded and counted; the rest is committed', async () => {
  const c = fakeConsumer();
  const p = fakeProducer();
  const reports: FlushReport[] = [];
  const sources = new Map<string, IncomingMessage>();
  const fatal: unknown[] = [];
  const sink = testSink({
    consumer: c.consumer,
    producer: p.producer,
    decode: (m) => (sources.set(m.value.toString(), m), [m.value.toString()]),
    write: async (rows) => rows.filter((r) => r.startsWith('big')).map((r) => ({ source: sources.get(r)!, code: 'TOO_LARGE', reason: `${r} is over the limit` })),
    record: async (r) => void reports.push(r),
    batchRows: 1000,
    onFatal: (e) => fatal.push(e),
  });
  await sink.start();
  await c.deliver(2, ['a', 'big-1', 'b'], 10);
  await sink.stop();
  assert.deepEqual(fatal, []);
  assert.deepEqual(c.commits.map((x) => x[0]?.offset), ['13']);
  const letters = p.sent.flatMap((s) => s.messages);
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.value?.toString(), 'big-1');
  assert.equal(letters[0]!.headers?.[DLQ_HEADERS.code], 'TOO_LARGE');
  assert.equal(letters[0]!.headers?.[DLQ_HEADERS.offset], '11');
  assert.deepEqual(reports[0]?.deadLetters.map(({ offset, code, reason }) => ({ offset, code, reason })), [{ offset: '11', code: 'TOO_LARGE', reason: 'big-1 is over the limit' }]);
  assert.equal(sink.totals.deadLetters, 1);
  assert.equal(sink.totals.messages, 3);
});

test('a dead letter that fails for another reason is not replaced by a reference: the flush fails as before', async () => {
  const c = fakeConsumer();
  const fatal: unknown[] = [];
  const producer: BusProducer = {
    async send() {
      throw Object.assign(new Error('not authorized'), { code: 'NOT_AUTHORIZED', retriable: false });
    },
    async close() {},
  };
  const sink = testSink({ consumer: c.consumer, producer, write: async () => undefined, batchRows: 1000, onFatal: (e) => fatal.push(e) });
  await sink.start();
  await c.deliver(0, ['bad-1']);
  await assert.rejects(sink.flush(), /not authorized/);
  assert.equal(fatal.length, 1);
  assert.equal(c.commits.length, 0);
  assert.equal(sink.totals.deadLetterReferences, 0);
});

test('a store down for longer than any fixed retry budget is waited for: the rows are stored and committed once it answers', async () => {
  const c = fakeConsumer();
  const p = fakeProducer();
  let attempts = 0;
  const fatal: unknown[] = [];
  const writes: string[][] = [];
  const sink = testSink({
    consumer: c.consumer,
    producer: p.producer,
    write: async (rows) => {
      if (++attempts <= 40) throw Object.assign(new Error('ClickHouse unreachable (ECONNREFUSED)'), { code: 'CLICKHOUSE_UNREACHABLE', retriable: true });
      writes.push(rows);
    },
    batchRows: 1000,
    // The default policy's count, without its waits.
    retry: { ...DEFAULT_RETRY, initialMs: 0, maxMs: 0 },
    onFatal: (e) => fatal.push(e),
  });
  await sink.start();
  await c.deliver(0, ['a', 'b']);
  await sink.flush();
  assert.deepEqual(fatal, []);
  assert.equal(attempts, 41);
  assert.deepEqual(writes, [['a', 'b']]);
  assert.deepEqual(c.commits, [[{ topic: 't', partition: 0, offset: '2' }]]);
  await sink.stop();
});
