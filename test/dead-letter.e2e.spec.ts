// Dead letters on the real broker, through both workers. A message the
// broker takes but whose dead-letter copy (its bytes plus the mcpg-dlq-*
// headers) it refuses as too large must not stop ingest: a reference goes to
// the dead-letter topic instead, it is counted, and the calls after it are
// stored. And a copy is byte for byte the message: a key and header values
// that are not UTF-8, a repeated header, a null value.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createKafkaBus } from '@mcpg/bus';
import { TOPICS, auditCodec, toolCallCodec, type AuditEvent, type ToolCallEvent } from '@mcpg/events';
import { SigningKeys, signerKeyFromSeed } from '@mcpg/ledger';
import { DLQ_HEADERS, type Bus, type IncomingMessage } from '@mcpg/pipeline';
import { queryLedgerStates, type Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { ROUTER_NAME, startLedgerWorker, startRollupWorker } from '@mcpg/workers';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const run = randomBytes(4).toString('hex');
const ORG = `dlq-${run}`;
const callsTopic = `dlq-calls-${run}`;
/** Just under what a default broker takes in one record batch (message.max.bytes 1,048,588). */
const NEAR_LIMIT = 1_048_450;

let bus: Bus;
let store: Store;
const stops: (() => Promise<void>)[] = [];

const call = (i: number, over: Partial<ToolCallEvent> = {}): ToolCallEvent => ({
  event_id: `${ORG}-${i}`,
  org: ORG,
  workspace: 'prod',
  instance: 'gw-1',
  plugin: 'github',
  tool: 'search_issues',
  actor: 'agent-1',
  source: 'mcp',
  started_at: Date.now(),
  emitted_at: Date.now(),
  duration_us: 1000,
  outcome: 'error',
  error_code: 'E',
  error_message: null,
  tokens_in: 1,
  tokens_out: 2,
  trace_id: null,
  span_id: null,
  policy_decision: 'permit',
  policy_rule_id: null,
  ...over,
});

const audit = (i: number, over: Partial<AuditEvent> = {}): AuditEvent => ({
  call_event_id: null,
  event_id: `${ORG}-a${i}`,
  org: ORG,
  workspace: 'prod',
  instance: 'gw-1',
  occurred_at: Date.UTC(2026, 5, 1) + i,
  action: 'tool.call',
  actor: 'agent-1',
  resource: 'github__search_issues',
  decision: 'permit',
  outcome: 'ok',
  latency_us: 10,
  arguments: null,
  response: null,
  error: null,
  trace_id: null,
  ...over,
});

/** Pads a text field so the encoded event is `size` bytes. */
function sized<T>(encode: (e: T) => Buffer, make: (pad: string) => T, size: number): Buffer {
  const bare = encode(make('')).length;
  // The string's length prefix grows by a few bytes with the padding.
  for (let pad = size - bare - 8; ; pad++) {
    const b = encode(make('x'.repeat(pad)));
    if (b.length >= size) return b;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, fatal: unknown[], timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (fatal.length) throw new Error(`the worker stopped while waiting for ${what}: ${String(fatal[0])}`);
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Dead letters read back from the shared dead-letter topic, this run's only. */
async function deadLetters(pick: (m: IncomingMessage) => boolean, count: number): Promise<IncomingMessage[]> {
  const got: IncomingMessage[] = [];
  const consumer = await bus.consumer({ groupId: `dlq-read-${run}-${randomBytes(3).toString('hex')}`, topics: [TOPICS.deadletter], fromBeginning: true });
  await consumer.start(async (batch) => {
    for (const m of batch.messages) if (pick(m)) got.push(m);
  });
  try {
    await waitFor(`${count} dead letters`, async () => (new Set(got.map((m) => m.headers[DLQ_HEADERS.offset])).size >= count ? true : undefined), []);
  } finally {
    await consumer.close();
  }
  return got;
}

before(async () => {
  assert.ok(brokers.length, 'MCPG_TEST_KAFKA_BROKERS must name the test broker (npm test starts one)');
  bus = createKafkaBus({ brokers, clientId: `dlq-${run}` });
  store = await createTestStore();
  await bus.ensureTopics([{ name: callsTopic, partitions: 1 }, { name: TOPICS.audit, partitions: 6 }, { name: TOPICS.deadletter, partitions: 6 }]);
});

after(async () => {
  for (const stop of stops) await stop();
  await bus?.close();
  await store?.close();
});

test('rollup worker: a call near the size limit is dead-lettered as a reference, copies keep their bytes, ingest goes on', async () => {
  // Invalid (no plugin), and near the limit through its error message.
  const huge = sized((e: ToolCallEvent) => toolCallCodec.encode(e), (pad) => call(1, { plugin: '', error_message: pad }), NEAR_LIMIT);
  const key = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from(run)]);
  const notUtf8 = Buffer.from([0xe2, 0x82, 0x00, 0xa0]);
  const producer = await bus.producer();
  await producer.send(callsTopic, [
    { key: ORG, value: toolCallCodec.encode(call(0)) },
    { key: ORG, value: huge },
    { key, value: null, headers: { 'x-bytes': notUtf8, 'x-run': run } },
    { key, value: Buffer.from([0x00, 0xff, 0x10]), headers: { 'x-bytes': notUtf8, twice: ['a', Buffer.from([0x80])] } },
    { key: ORG, value: toolCallCodec.encode(call(4)) },
  ]);
  await producer.close();
  const fatal: unknown[] = [];
  const worker = await startRollupWorker({ bus, store, topic: callsTopic, groupId: `dlq-rollup-${run}`, batchRows: 1000, flushMs: 50, onFatal: (e) => fatal.push(e) });
  stops.push(() => worker.stop());

  const stored = await waitFor('both valid calls stored', async () => {
    const rs = await store.client.query({ query: 'SELECT event_id FROM tool_invocations WHERE org = {org:String} ORDER BY event_id', query_params: { org: ORG }, format: 'JSONEachRow' });
    const rows = await rs.json<{ event_id: string }>();
    return rows.length >= 2 ? rows.map((r) => r.event_id) : undefined;
  }, fatal);
  assert.deepEqual(stored, [`${ORG}-0`, `${ORG}-4`], 'the call after the huge one is stored: the worker moved on');
  assert.deepEqual(fatal, []);

  const letters = await deadLetters((m) => m.headers[DLQ_HEADERS.topic] === callsTopic, 3);
  const at = (offset: string) => letters.find((m) => m.headers[DLQ_HEADERS.offset] === offset)!;

  const ref = at('1');
  assert.equal(ref.raw.value, null, 'a reference carries no value');
  assert.equal(ref.headers[DLQ_HEADERS.form], 'reference');
  assert.equal(ref.headers[DLQ_HEADERS.code], 'INVALID_CALL');
  assert.match(ref.headers[DLQ_HEADERS.reason] ?? '', /plugin is empty/);
  assert.equal(ref.headers[DLQ_HEADERS.partition], '0');
  assert.equal(ref.headers[DLQ_HEADERS.size], String(huge.length));
  assert.equal(ref.headers[DLQ_HEADERS.sha256], createHash('sha256').update(huge).digest('hex'));
  assert.equal(ref.key, ORG);

  const nullValue = at('2');
  assert.deepEqual(nullValue.raw.key, key, 'the key, not U+FFFD');
  assert.equal(nullValue.raw.value, null, 'a null value stays null');
  assert.deepEqual(nullValue.raw.headers['x-bytes'], [notUtf8]);
  assert.deepEqual(nullValue.raw.headers['x-run'], [Buffer.from(run)]);
  assert.equal(nullValue.headers[DLQ_HEADERS.form], undefined, 'a whole copy');

  const invalid = at('3');
  assert.deepEqual(invalid.raw.key, key);
  assert.deepEqual(invalid.raw.value, Buffer.from([0x00, 0xff, 0x10]));
  assert.deepEqual(invalid.raw.headers['x-bytes'], [notUtf8]);
  assert.deepEqual(invalid.raw.headers.twice, [Buffer.from('a'), Buffer.from([0x80])], 'every value of a repeated header, in order');

  assert.equal(worker.totals.deadLetters, 3);
  assert.equal(worker.totals.deadLetterReferences, 1);
});

test('ledger worker (its router): an audit event near the size limit is dead-lettered as a reference and the chain goes on', async () => {
  const signingKeys = new SigningKeys([{ key: signerKeyFromSeed('test.invalid/dlq', new Uint8Array(32).fill(9)), window: { notBefore: null, notAfter: null } }]);
  // Keyed by this org but naming another: the router refuses it (KEY_NOT_ORG) after reading the whole body.
  const huge = sized((e: AuditEvent) => auditCodec.encode(e), (pad) => audit(1, { org: `${ORG}-other`, arguments: pad }), NEAR_LIMIT);
  const producer = await bus.producer();
  await producer.send(TOPICS.audit, [
    { key: ORG, value: auditCodec.encode(audit(0)) },
    { key: ORG, value: huge },
    { key: ORG, value: auditCodec.encode(audit(2)) },
  ]);
  await producer.close();
  const fatal: unknown[] = [];
  const worker = await startLedgerWorker({
    bus,
    store,
    signingKeys,
    segments: { rows: 100, seconds: 3600 },
    groupId: `dlq-ledger-${run}`,
    batchRows: 1000,
    flushMs: 50,
    onFatal: (e) => fatal.push(e),
  });
  stops.push(() => worker.stop());

  await waitFor('both audit events in the chain', async () => {
    const s = (await queryLedgerStates(store, [ORG])).get(ORG);
    return s && s.ledger.fold.range.size === 2 ? true : undefined;
  }, fatal);
  const [ref] = await deadLetters((m) => m.headers[DLQ_HEADERS.consumer] === ROUTER_NAME && m.headers[DLQ_HEADERS.topic] === TOPICS.audit && m.key === ORG, 1);
  assert.equal(ref!.headers[DLQ_HEADERS.form], 'reference');
  assert.equal(ref!.headers[DLQ_HEADERS.code], 'KEY_NOT_ORG');
  assert.equal(ref!.headers[DLQ_HEADERS.size], String(huge.length));
  assert.equal(ref!.headers[DLQ_HEADERS.sha256], createHash('sha256').update(huge).digest('hex'));
  assert.equal(worker.routerTotals.deadLetterReferences, 1);
  assert.deepEqual(fatal, []);
});

test('ledger worker (its router): a valid audit event whose routed copy is over the limit is dead-lettered and counted, the chain goes on; header bytes are routed as they are', async () => {
  // Topics of its own: the worker reads this test's events only.
  const source = `dlq-audit-${run}`;
  const routedTopic = `dlq-by-org-${run}`;
  const org = `${ORG}-big`;
  const signingKeys = new SigningKeys([{ key: signerKeyFromSeed('test.invalid/dlq', new Uint8Array(32).fill(9)), window: { notBefore: null, notAfter: null } }]);
  // The source record batch (61 bytes of batch header, ~27 of record framing
  // and key) just under the broker's limit; the routed copy adds the route
  // headers (~43 bytes) and is over it.
  const limit = 1_048_588;
  const valid = sized((e: AuditEvent) => auditCodec.encode(e), (pad) => audit(1, { org, event_id: `${org}-a1`, arguments: pad }), limit - 61 - 27 - org.length - 8);
  const notUtf8 = Buffer.from([0xe2, 0x82, 0x00, 0xa0]);
  await bus.ensureTopics([{ name: source, partitions: 2 }, { name: routedTopic, partitions: 2 }]);
  const producer = await bus.producer();
  await producer.send(source, [
    { key: org, value: auditCodec.encode(audit(0, { org, event_id: `${org}-a0` })) },
    { key: org, value: valid },
    { key: org, value: auditCodec.encode(audit(2, { org, event_id: `${org}-a2` })), headers: { 'x-bytes': notUtf8, twice: ['a', Buffer.from([0x80])], 'x-run': run } },
  ]);
  await producer.close();
  const fatal: unknown[] = [];
  const worker = await startLedgerWorker({
    bus,
    store,
    signingKeys,
    segments: { rows: 100, seconds: 3600 },
    groupId: `dlq-ledger-big-${run}`,
    topic: source,
    routedTopic,
    batchRows: 1000,
    flushMs: 50,
    onFatal: (e) => fatal.push(e),
  });
  stops.push(() => worker.stop());

  await waitFor('the events around it in the chain', async () => {
    const s = (await queryLedgerStates(store, [org])).get(org);
    return s && s.ledger.fold.range.size === 2 ? true : undefined;
  }, fatal);
  assert.deepEqual(fatal, [], 'the router did not stop');
  const [ref] = await deadLetters((m) => m.headers[DLQ_HEADERS.consumer] === ROUTER_NAME && m.key === org, 1);
  assert.equal(ref!.headers[DLQ_HEADERS.code], 'TOO_LARGE_TO_ROUTE');
  assert.ok((ref!.headers[DLQ_HEADERS.reason] ?? '').includes(`over the broker's limit for ${routedTopic}`), ref!.headers[DLQ_HEADERS.reason]);
  assert.equal(ref!.headers[DLQ_HEADERS.topic], source);
  assert.equal(ref!.headers[DLQ_HEADERS.form], 'reference', 'its whole copy is too large as well');
  assert.equal(ref!.headers[DLQ_HEADERS.size], String(valid.length));
  assert.equal(ref!.headers[DLQ_HEADERS.sha256], createHash('sha256').update(valid).digest('hex'));
  assert.equal(worker.routerTotals.deadLetters, 1);
  assert.equal(worker.routerTotals.deadLetterReferences, 1);
  const health = await store.client.query({
    query: 'SELECT code, count() AS n FROM dead_letters FINAL WHERE consumer = {consumer:String} AND topic = {topic:String} AND code = {code:String} GROUP BY code',
    query_params: { consumer: ROUTER_NAME, topic: source, code: 'TOO_LARGE_TO_ROUTE' },
    format: 'JSONEachRow',
  });
  const counted = (await health.json<{ code: string; n: string | number }>()).map((r) => ({ code: r.code, n: Number(r.n) }));
  assert.deepEqual(counted, [{ code: 'TOO_LARGE_TO_ROUTE', n: 1 }], 'counted where pipeline health reads dead letters');

  // The routed copy of the event with odd header bytes: the same bytes, every value of a repeated header.
  const routed: IncomingMessage[] = [];
  const reader = await bus.consumer({ groupId: `dlq-routed-${run}`, topics: [routedTopic], fromBeginning: true });
  await reader.start(async (batch) => {
    for (const m of batch.messages) if (m.key === org && m.headers['x-run'] === run) routed.push(m);
  });
  try {
    await waitFor('the routed copy', async () => (routed.length ? true : undefined), []);
  } finally {
    await reader.close();
  }
  assert.deepEqual(routed[0]!.raw.headers['x-bytes'], [notUtf8], 'the header bytes, not U+FFFD');
  assert.deepEqual(routed[0]!.raw.headers.twice, [Buffer.from('a'), Buffer.from([0x80])], 'every value of a repeated header, in order');
});
