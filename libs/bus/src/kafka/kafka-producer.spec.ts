// Linger batching in front of kafkajs, with a fake kafkajs producer.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProducerBatch, RecordMetadata } from 'kafkajs';
import { BusError, isBusError } from '../errors.ts';
import { createKafkaProducer, type SendBatchClient } from './kafka-producer.ts';
import { toBusError } from './kafka-errors.ts';

class FakeProducer implements SendBatchClient {
  readonly batches: ProducerBatch[] = [];
  inFlight = 0;
  maxInFlight = 0;
  disconnected = false;
  constructor(private readonly behave: (batch: ProducerBatch) => Promise<void> = async () => undefined) {}

  async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    this.batches.push(batch);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.behave(batch);
      return [];
    } finally {
      this.inFlight--;
    }
  }

  async disconnect(): Promise<void> {
    this.disconnected = true;
  }

  values(): string[] {
    return this.batches.flatMap((b) => b.topicMessages!.flatMap((t) => t.messages.map((m) => String(m.value))));
  }
}

const make = (fake: FakeProducer, options: { lingerMs?: number; maxBatchBytes?: number; topics?: string[] } = {}) =>
  createKafkaProducer(fake, {
    topicExists: async (topic) => (options.topics ?? ['calls', 'audit']).includes(topic),
    toError: (error, action) => toBusError(error, { brokers: ['fake:9092'], action }),
    compression: 'none',
    lingerMs: options.lingerMs ?? 5,
    maxBatchBytes: options.maxBatchBytes ?? 1_000_000,
  });

const msg = (value: string) => ({ key: 'org', value: Buffer.from(value) });

describe('linger batching over a kafkajs producer', () => {
  test('many concurrent sends become a few sendBatch calls, in order, acks=all', async () => {
    const fake = new FakeProducer(() => new Promise((r) => setTimeout(r, 2)));
    const producer = make(fake);
    await Promise.all(Array.from({ length: 500 }, (_, i) => producer.send(i % 2 ? 'calls' : 'audit', [msg(String(i))])));
    assert.ok(fake.batches.length <= 3, `${fake.batches.length} sendBatch calls`);
    assert.equal(fake.values().length, 500);
    assert.ok(fake.batches.every((b) => b.acks === -1));
    const calls = fake.values().map(Number).filter((v) => v % 2 === 1);
    assert.deepEqual(calls, [...calls].sort((a, b) => a - b), 'per-topic send order kept');
  });

  test('a full batch is sent without waiting for the linger, and stays under maxBatchBytes', async () => {
    const fake = new FakeProducer();
    const producer = make(fake, { lingerMs: 60_000, maxBatchBytes: 1_000 });
    const started = Date.now();
    await Promise.all(Array.from({ length: 40 }, (_, i) => producer.send('calls', [msg(`${i}`.padStart(100, '0'))])));
    assert.ok(Date.now() - started < 1_000, 'did not wait for the 60 s linger');
    assert.ok(fake.batches.length >= 4);
    for (const b of fake.batches) {
      const bytes = b.topicMessages!.flatMap((t) => t.messages).reduce((n, m) => n + (m.value as Buffer).length + 27, 0);
      assert.ok(bytes <= 1_000, `batch of ${bytes} bytes`);
    }
    await producer.close();
  });

  test('one sendBatch in flight at a time; sends that arrive meanwhile ride the next one', async () => {
    let release!: () => void;
    const fake = new FakeProducer(() => new Promise((r) => (release = r)));
    const producer = make(fake, { lingerMs: 1 });
    const first = producer.send('calls', [msg('a')]);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(fake.batches.length, 1);
    const later = Array.from({ length: 10 }, (_, i) => producer.send('calls', [msg(`b${i}`)]));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(fake.batches.length, 1, 'nothing overtakes the request in flight');
    release();
    await first;
    await new Promise((r) => setTimeout(r, 5));
    release();
    await Promise.all(later);
    assert.equal(fake.batches.length, 2);
    assert.equal(fake.maxInFlight, 1);
  });

  test("a failed sendBatch rejects every caller in it with a BusError, and only them", async () => {
    let fail = true;
    const fake = new FakeProducer(async () => {
      if (fail) {
        fail = false;
        throw Object.assign(new Error('The request timed out'), { name: 'KafkaJSRequestTimeoutError', retriable: true });
      }
    });
    const producer = make(fake);
    const results = await Promise.allSettled([producer.send('calls', [msg('1')]), producer.send('audit', [msg('2')])]);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok(isBusError((r as PromiseRejectedResult).reason, 'TIMEOUT'));
    }
    await producer.send('calls', [msg('3')]);
  });

  test('a missing topic fails that send alone, before anything is batched', async () => {
    const fake = new FakeProducer();
    const producer = make(fake);
    const [ok, missing] = await Promise.allSettled([producer.send('calls', [msg('1')]), producer.send('nope', [msg('2')])]);
    assert.equal(ok.status, 'fulfilled');
    assert.ok(missing.status === 'rejected' && isBusError(missing.reason, 'TOPIC_NOT_FOUND'));
    assert.deepEqual(fake.values(), ['1']);
  });

  test('close sends what is gathered, then disconnects; later sends are CLOSED', async () => {
    const fake = new FakeProducer();
    const producer = make(fake, { lingerMs: 60_000 });
    const pending = producer.send('calls', [msg('last')]);
    await new Promise((r) => setImmediate(r));
    await producer.close();
    await pending;
    assert.deepEqual(fake.values(), ['last']);
    assert.ok(fake.disconnected);
    await assert.rejects(producer.send('calls', [msg('x')]), (e: unknown) => e instanceof BusError && e.code === 'CLOSED');
  });
});
