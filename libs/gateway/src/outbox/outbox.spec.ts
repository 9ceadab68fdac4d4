import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusProducer, OutgoingMessage } from '@mcpg/pipeline';
import { DiskSpool, type SpoolOptions } from './disk-spool.ts';
import { Outbox } from './outbox.ts';
import { encodeRecord, type OutboxRecord } from './outbox-record.ts';

/** A producer that can be switched off (every send rejects) and back on; `failTopic` rejects one topic only. */
class FakeKafka implements BusProducer {
  readonly log: Array<{ topic: string; value: string }> = [];
  down = false;
  failTopic: string | null = null;
  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (this.down || topic === this.failTopic) throw Object.assign(new Error('broker unreachable'), { retriable: true });
    for (const m of messages) this.log.push({ topic, value: String(m.value) });
  }
  async close(): Promise<void> {}
  values(topic: string): string[] {
    return this.log.filter((l) => l.topic === topic).map((l) => l.value);
  }
}

const rec = (topic: string, n: number, org = 'acme'): OutboxRecord => ({ topic, key: org, value: Buffer.from(`${topic}-${n}`), headers: { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` } });
const range = (topic: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${topic}-${from + i}`);

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mcpg-outbox-test-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const spoolOptions = (dir: string, extra: Partial<SpoolOptions> = {}): SpoolOptions => ({
  dir,
  maxBytes: 10 * 1024 * 1024,
  segmentBytes: 4 * 1024,
  overflow: 'drop-oldest',
  fsync: 'never',
  fsyncIntervalMs: 1_000,
  ...extra,
});

function outbox(kafka: FakeKafka, spool: DiskSpool, queueCapacity = 100): Outbox {
  return new Outbox({ connect: async () => kafka, spool, queueCapacity, batchSize: 25, sendTimeoutMs: 1_000, retry: { initialMs: 1, maxMs: 5 } });
}

test('Kafka down: publish never waits, events go to disk, and arrive once each, in order, when it returns', () =>
  withDir(async (dir) => {
    const kafka = new FakeKafka();
    const spool = await DiskSpool.open(spoolOptions(dir));
    const box = outbox(kafka, spool);
    box.start();
    for (let i = 0; i < 50; i++) box.publish([rec('calls', i), rec('audit', i)]);
    await box.idle();
    kafka.down = true;
    for (let i = 50; i < 1_000; i++) box.publish([rec('calls', i), rec('audit', i)]);
    assert.ok(box.stats().spooledRecords > 0, 'spooled');
    await spool.flushed();
    assert.ok((await readdir(dir)).length > 1, 'segments on disk');
    kafka.down = false;
    await box.idle();
    assert.deepEqual(kafka.values('calls'), range('calls', 0, 1_000));
    assert.deepEqual(kafka.values('audit'), range('audit', 0, 1_000));
    // Back to the memory queue once the spool is empty.
    box.publish([rec('calls', 1_000)]);
    assert.equal(box.stats().spooledRecords, 0);
    await box.stop();
  }));

test('a batch Kafka took for one topic but not the other is not sent twice', () =>
  withDir(async (dir) => {
    const kafka = new FakeKafka();
    const box = outbox(kafka, await DiskSpool.open(spoolOptions(dir)));
    box.start();
    kafka.failTopic = 'audit';
    for (let i = 0; i < 10; i++) box.publish([rec('calls', i), rec('audit', i)]);
    await new Promise((r) => setTimeout(r, 50));
    kafka.failTopic = null;
    await box.idle();
    assert.deepEqual(kafka.values('calls'), range('calls', 0, 10));
    assert.deepEqual(kafka.values('audit'), range('audit', 0, 10));
    await box.stop();
  }));

test('stopped while Kafka is down: nothing is lost, the next start sends it all in order', () =>
  withDir(async (dir) => {
    const kafka = new FakeKafka();
    kafka.down = true;
    const first = outbox(kafka, await DiskSpool.open(spoolOptions(dir)), 10_000);
    first.start();
    for (let i = 0; i < 300; i++) first.publish([rec('calls', i)]);
    await first.stop();
    assert.equal(kafka.log.length, 0);

    kafka.down = false;
    const second = outbox(kafka, await DiskSpool.open(spoolOptions(dir)), 10_000);
    second.start();
    second.publish([rec('calls', 300)]);
    await second.idle();
    assert.deepEqual(kafka.values('calls'), range('calls', 0, 301));
    await second.stop();
  }));

test('a crash while a segment drains: after the restart only what Kafka did not take is sent', () =>
  withDir(async (dir) => {
    // Kafka takes four batches of 25 from the one segment, then hangs on the fifth: the process "dies" there.
    const dying = new (class extends FakeKafka {
      attempts = 0;
      override async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
        if (++this.attempts > 4 && !this.down) return new Promise(() => undefined);
        return super.send(topic, messages);
      }
    })();
    dying.down = true;
    const spool = await DiskSpool.open(spoolOptions(dir, { segmentBytes: 1024 * 1024 }));
    const first = outbox(dying, spool, 0);
    first.start();
    for (let i = 0; i < 300; i++) first.publish([rec('calls', i)]);
    await spool.flushed();
    dying.attempts = 0;
    dying.down = false;
    const until = Date.now() + 10_000;
    while (dying.attempts < 5) {
      assert.ok(Date.now() < until, 'the fifth batch was attempted');
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(dying.values('calls'), range('calls', 0, 100));

    const kafka = new FakeKafka();
    const second = outbox(kafka, await DiskSpool.open(spoolOptions(dir)));
    second.start();
    await second.idle();
    assert.deepEqual(kafka.values('calls'), range('calls', 100, 300), 'nothing Kafka already had is sent again');
    await second.stop();
    assert.deepEqual(await readdir(dir), [], 'the segment and its mark are gone');
  }));

test('spool full, drop-newest: the oldest events are kept and every dropped one is counted', () =>
  withDir(async (dir) => {
    let dropped = 0;
    const spool = await DiskSpool.open(spoolOptions(dir, { maxBytes: 8 * 1024, segmentBytes: 2 * 1024, overflow: 'drop-newest', onDropped: (n) => (dropped += n) }));
    const kafka = new FakeKafka();
    kafka.down = true;
    const box = outbox(kafka, spool, 1);
    box.start();
    for (let i = 0; i < 500; i++) box.publish([rec('calls', i)]);
    await spool.flushed();
    kafka.down = false;
    await box.idle();
    const got = kafka.values('calls');
    assert.ok(got.length < 500 && got.length > 50, `${got.length} kept`);
    assert.equal(got.length + dropped, 500, 'kept + dropped = published');
    assert.deepEqual(got.slice(0, 10), range('calls', 0, 10), 'the oldest are kept');
    await box.stop();
  }));

test('spool full, drop-oldest: whole oldest segments go, the newest events are kept, all counted', () =>
  withDir(async (dir) => {
    let dropped = 0;
    const spool = await DiskSpool.open(spoolOptions(dir, { maxBytes: 8 * 1024, segmentBytes: 2 * 1024, overflow: 'drop-oldest', onDropped: (n) => (dropped += n) }));
    for (let i = 0; i < 500; i++) {
      spool.append([rec('calls', i)]);
      await spool.flushed();
    }
    assert.ok(spool.bytes <= 8 * 1024, `${spool.bytes} bytes`);
    const kafka = new FakeKafka();
    const box = outbox(kafka, spool);
    box.start();
    await box.idle();
    const got = kafka.values('calls');
    assert.equal(got.length + dropped, 500, 'kept + dropped = appended');
    assert.equal(got.at(-1), 'calls-499', 'the newest is kept');
    assert.deepEqual(got, range('calls', 500 - got.length, 500), 'a contiguous newest run, in order');
    await box.stop();
  }));

test('a record torn by a crash is cut off; the ones before it are kept', () =>
  withDir(async (dir) => {
    // What a process that died mid-write leaves: an open segment ending in half a record.
    const torn = encodeRecord(rec('calls', 2)).subarray(0, 20);
    await writeFile(join(dir, '001000000000.open'), Buffer.concat([encodeRecord(rec('calls', 0)), encodeRecord(rec('calls', 1)), torn]));
    const kafka = new FakeKafka();
    const box = outbox(kafka, await DiskSpool.open(spoolOptions(dir)));
    box.start();
    await box.idle();
    assert.deepEqual(kafka.values('calls'), ['calls-0', 'calls-1']);
    await box.stop();
  }));
