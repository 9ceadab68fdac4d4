// A restart on a log that is not the one the store was built from: the
// in-memory bus starts empty at every start, and a Kafka topic deleted and
// re-created starts again at offset 0. The stored rows are keyed by offsets,
// so the workers refuse to start (before: the ledger skipped every new audit
// event and the rollups wrote new counts over the old chunks, counters
// dropping) — and a restart on the same log still starts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { createKafkaBus, createMemoryBus } from '@mcpg/bus';
import { SigningKeys, signerKeyFromSeed } from '@mcpg/ledger';
import type { Bus } from '@mcpg/pipeline';
import { queryLedgerStates, queryStoredPositions, type Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { runFleetSim } from './fleet-sim.ts';
import { startLedgerWorker } from './ledger-worker.ts';
import { startRollupWorker } from './rollup-worker.ts';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const signingKeys = new SigningKeys([{ key: signerKeyFromSeed('test.invalid/restart', new Uint8Array(32).fill(9)), window: { notBefore: null, notAfter: null } }]);
const stores: Store[] = [];

after(async () => {
  for (const s of stores) await s.close();
});

interface Topics {
  readonly calls: string;
  readonly audit: string;
  readonly routed: string;
}

const topicsOf = (run: string): Topics => ({ calls: `rs-${run}.calls`, audit: `rs-${run}.audit`, routed: `rs-${run}.by-org` });

function start(bus: Bus, store: Store, t: Topics, run: string) {
  const common = { bus, store, partitions: 2, batchRows: 100, flushMs: 50 };
  return Promise.all([
    startRollupWorker({ ...common, topic: t.calls, groupId: `rs-${run}-rollup` }),
    startLedgerWorker({ ...common, topic: t.audit, routedTopic: t.routed, groupId: `rs-${run}-ledger`, signingKeys, segments: { rows: 50, seconds: 60 } }),
  ]);
}

async function stored(store: Store, topic: string): Promise<number> {
  let n = 0;
  for (const v of (await queryStoredPositions(store, topic)).values()) n += Number(v);
  return n;
}

async function logLength(bus: Bus, topic: string): Promise<number> {
  let n = 0;
  for (const v of (await bus.endOffsets(topic)).values()) n += Number(v);
  return n;
}

/** Sends traffic and waits until every topic is stored to its end; returns the ledger sizes. */
async function sendAndStore(bus: Bus, store: Store, t: Topics, orgs: string[]): Promise<void> {
  await runFleetSim({ bus, seed: 5, orgs, gateways: 2, rate: 1e6, totalCalls: 300, audit: true, partitions: 2, topics: { calls: t.calls, audit: t.audit } });
  const until = Date.now() + 60_000;
  for (;;) {
    const done = await Promise.all([t.calls, t.audit, t.routed].map(async (topic) => (await stored(store, topic)) >= (await logLength(bus, topic)) && (await logLength(bus, topic)) > 0));
    if (done.every(Boolean)) return;
    assert.ok(Date.now() < until, 'timed out waiting for the workers to store everything');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function ledgerSizes(store: Store, orgs: string[]): Promise<number[]> {
  const states = await queryLedgerStates(store, orgs);
  return orgs.map((o) => states.get(o)?.ledger.fold.range.size ?? 0);
}

async function assertRefused(bus: Bus, store: Store, t: Topics, run: string): Promise<void> {
  const refused = { code: 'LOG_REPLACED', message: /ends at offset .* but the store holds events from it up to offset .*this is not the log the store was built from/ };
  await assert.rejects(startRollupWorker({ bus, store, topic: t.calls, groupId: `rs-${run}-rollup`, partitions: 2, batchRows: 100, flushMs: 50 }), refused);
  await assert.rejects(
    startLedgerWorker({ bus, store, topic: t.audit, routedTopic: t.routed, groupId: `rs-${run}-ledger`, partitions: 2, batchRows: 100, flushMs: 50, signingKeys, segments: { rows: 50, seconds: 60 } }),
    refused,
  );
}

test('in-memory bus: a restart on the same data refuses to start instead of losing audit events and lowering counters', async () => {
  const run = randomBytes(4).toString('hex');
  const t = topicsOf(run);
  const orgs = [`rs-${run}-a`];
  const store = await createTestStore();
  stores.push(store);
  const first = createMemoryBus();
  const workers = await start(first, store, t, run);
  await sendAndStore(first, store, t, orgs);
  for (const w of workers) await w.stop();
  await first.close();
  const before = await ledgerSizes(store, orgs);
  assert.ok(before[0]! > 0);

  // The next `mcpg up --bus memory` on the same data directory: an empty log.
  const second = createMemoryBus();
  await assertRefused(second, store, t, run);
  assert.deepEqual(await ledgerSizes(store, orgs), before, 'the ledger is as it was');
  await second.close();
});

test('Kafka: a topic deleted and re-created is refused; a restart on the same topics starts', async () => {
  assert.ok(brokers.length, 'MCPG_TEST_KAFKA_BROKERS must name the test broker (npm test starts one)');
  const run = randomBytes(4).toString('hex');
  const t = topicsOf(run);
  const orgs = [`rs-${run}-a`, `rs-${run}-b`];
  const store = await createTestStore();
  stores.push(store);
  const bus = createKafkaBus({ brokers, clientId: `rs-${run}` });
  try {
    const workers = await start(bus, store, t, run);
    await sendAndStore(bus, store, t, orgs);
    for (const w of workers) await w.stop();

    // The same log again: starts and stops cleanly.
    for (const w of await start(bus, store, t, run)) await w.stop();
  } finally {
    await bus.close();
  }

  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [t.calls, t.audit] });
    // Deletion completes in the background; the names are free once they are no longer listed.
    for (let i = 0; (await admin.listTopics()).some((n) => n === t.calls || n === t.audit); i++) {
      assert.ok(i < 300, 'topics deleted');
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.disconnect();
  }
  // The workers' next start, on the re-created topics.
  const next = createKafkaBus({ brokers, clientId: `rs-${run}-next` });
  try {
    // The broker may take a moment to let the names be created again.
    for (let i = 0; ; i++) {
      try {
        await next.ensureTopics([t.calls, t.audit].map((name) => ({ name, partitions: 2 })));
        break;
      } catch (e) {
        if (i >= 50) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const producer = await next.producer();
    await producer.send(t.calls, [{ key: orgs[0]!, value: Buffer.from('a first message of the new log') }]);
    await producer.close();
    const before = await ledgerSizes(store, orgs);
    await assertRefused(next, store, t, run);
    assert.deepEqual(await ledgerSizes(store, orgs), before, 'the ledger is as it was');
  } finally {
    await next.close();
  }
});
