// The ledger worker against the real broker and the embedded engine: audit
// events become masked, chained, signed rows an offline verifier accepts;
// messages that cannot be ledger rows are dead-lettered with their reason; an
// org whose producers disagree on the partitioner (its events in two
// partitions) is one chain, and the other orgs go on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import { createKafkaBus } from '@mcpg/bus';
import { TOPICS, auditCodec, type AuditEvent } from '@mcpg/events';
import { SigningKeys, signerKeyFromSeed, verifyLedger } from '@mcpg/ledger';
import type { Bus } from '@mcpg/pipeline';
import { queryAllCheckpoints, queryLedgerRows, queryLedgerStates, type Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { startLedgerWorker, type RunningLedgerWorker } from './ledger-worker.ts';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const run = randomBytes(4).toString('hex');
const ORG = `lw-${run}`;
const OTHER = `lw-${run}-b`;
const SPLIT = `lw-${run}-split`;
// Topics of this run: the split org needs partitions no other run writes to.
const AUDIT = `lw-${run}.audit`;
const ROUTED = `lw-${run}.by-org`;
const SPLIT_EVENTS = 40;
const T0 = Date.UTC(2026, 5, 1);
const SECRET = 'ghp_' + 'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lz9Xc8V';
const signingKeys = new SigningKeys([{ key: signerKeyFromSeed('test.invalid/ledger', new Uint8Array(32).fill(7)), window: { notBefore: null, notAfter: null } }]);

let bus: Bus;
let store: Store;
let worker: RunningLedgerWorker;

const event = (org: string, i: number): AuditEvent => ({
  call_event_id: null,
  event_id: `${org}-${i}`,
  org,
  workspace: 'prod',
  instance: 'gw-1',
  // two rows per second of event time: a 10 s bucket holds 20 rows
  occurred_at: T0 + i * 500,
  action: i % 7 === 3 ? 'policy.deny' : 'tool.call',
  actor: `agent-${i % 4}`,
  resource: 'github__create_issue',
  decision: i % 7 === 3 ? 'deny' : 'permit',
  outcome: i % 7 === 3 ? 'denied' : 'ok',
  latency_us: i % 5 === 0 ? null : 1000 + i,
  arguments: JSON.stringify({ title: `issue ${i}`, token: SECRET }),
  response: i % 2 ? `created with Authorization: Bearer ${SECRET}` : null,
  error: null,
  trace_id: null,
});

// What the worker said: a wait that ends says why (a worker that stopped, a
// store that kept failing) instead of only that it timed out.
const fatal: unknown[] = [];
const said: string[] = [];
const log = {
  info: () => undefined,
  warn: (o: object, msg?: string) => void said.push(`${msg} ${JSON.stringify(o)}`),
  error: (o: object, msg?: string) => void said.push(`${msg} ${JSON.stringify(o)}`),
};

/**
 * Until the probe answers. On a loaded host a consumer rebalance can hold the
 * worker up for tens of seconds, so the wait is generous; a worker that
 * stopped fails it at once.
 */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (fatal.length) throw new Error(`the worker stopped while waiting for ${what}: ${String(fatal[0])}`);
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; the worker said:\n${said.slice(-10).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  assert.ok(brokers.length, 'MCPG_TEST_KAFKA_BROKERS must name the test broker (npm test starts one)');
  bus = createKafkaBus({ brokers, clientId: `lw-${run}` });
  store = await createTestStore();
  await bus.ensureTopics([AUDIT, ROUTED, TOPICS.deadletter].map((name) => ({ name, partitions: 6 })));
  // Two gateways of one org whose clients hash keys differently (librdkafka's
  // CRC32, Java's murmur2): the org's events alternate between partitions 1 and 4.
  // Idempotent, as the project's own producers are: a plain producer retrying a
  // write the broker had taken (a timeout on a loaded host) puts the event in
  // the log twice, and the ledger rightly keeps both copies as two rows.
  const raw = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
  await raw.connect();
  for (let i = 0; i < SPLIT_EVENTS; i += 4) {
    await raw.send({
      topic: AUDIT,
      messages: Array.from({ length: 4 }, (_, k) => ({ key: SPLIT, value: auditCodec.encode(event(SPLIT, i + k)), partition: (i + k) % 2 ? 4 : 1 })),
    });
  }
  await raw.disconnect();
  const producer = await bus.producer();
  const good = (org: string, from: number, to: number) =>
    Array.from({ length: to - from }, (_, k) => ({ key: org, value: auditCodec.encode(event(org, from + k)) }));
  await producer.send(AUDIT, [
    ...good(ORG, 0, 60),
    { key: ORG, value: Buffer.from('not avro at all') },
    { key: ORG, value: auditCodec.encode({ ...event(ORG, 999), org: 'has space' }) },
    { key: 'someone-else', value: auditCodec.encode(event(ORG, 998)) },
    ...good(ORG, 60, 95),
    ...good(OTHER, 0, 5),
  ]);
  await producer.close();
  worker = await startLedgerWorker({
    bus,
    store,
    signingKeys,
    segments: { rows: 25, seconds: 10 },
    groupId: `lw-${run}`,
    topic: AUDIT,
    routedTopic: ROUTED,
    batchRows: 40,
    flushMs: 50,
    log,
    onFatal: (e) => fatal.push(e),
  });
});

after(async () => {
  await worker?.stop();
  await bus?.close();
  await store?.close();
});

test('every audit event becomes a ledger row an offline verifier accepts up to the last checkpoint', async () => {
  const state = await waitFor('95 rows of the org', async () => {
    const s = (await queryLedgerStates(store, [ORG])).get(ORG);
    return s && s.ledger.fold.range.size === 95 ? s : undefined;
  });
  const rows = await queryLedgerRows(store, { org: ORG, fromSeq: 0, toSeq: 1000 });
  assert.deepEqual(rows.map((r) => r.row.event_id), Array.from({ length: 95 }, (_, i) => `${ORG}-${i}`), 'one row per event, in order, seq = position');
  const checkpoints = await queryAllCheckpoints(store, ORG);
  // 25 rows or a 10 s (20-row) event-time bucket, whichever comes first: every 20 rows here
  assert.deepEqual(checkpoints.map((c) => [c.firstSeq, c.treeSize, c.closedBy]), [[0, 20, 'time'], [20, 40, 'time'], [40, 60, 'time'], [60, 80, 'time']]);
  assert.equal(state.ledger.checkpointSize, 80);
  const verdict = verifyLedger({ org: ORG, rows, checkpoints: checkpoints.map((c) => c.note), keyring: signingKeys.keyring() });
  assert.ok(verdict.ok, verdict.ok ? '' : verdict.error.message);
  assert.equal(verdict.signedSize, 80);
  assert.equal(verdict.unsignedRows, 15, 'the open segment waits for a later event time, never for the clock');
});

test('secrets are masked before hashing: neither the rows nor any column holds them', async () => {
  const rs = await store.client.query({
    query: 'SELECT count() AS n FROM audit_log WHERE org = {org:String} AND (position(arguments, {s:String}) > 0 OR position(response, {s:String}) > 0)',
    query_params: { org: ORG, s: SECRET },
    format: 'JSONEachRow',
  });
  assert.equal(Number((await rs.json<{ n: string }>())[0]?.n), 0);
  const [row] = await queryLedgerRows(store, { org: ORG, fromSeq: 1, toSeq: 2 });
  assert.match(row?.row.arguments ?? '', /REDACTED/);
  assert.match(row?.row.arguments ?? '', /issue 1/, 'what is not secret stays readable');
});

test('undecodable messages, unusable orgs and mis-keyed events are dead-lettered with a reason, and the chain goes on', async () => {
  const [first] = await queryLedgerRows(store, { org: ORG, fromSeq: 0, toSeq: 1 });
  const partitionRs = await store.client.query({
    query: 'SELECT any(source_partition) AS p, toString(max(source_offset)) AS o FROM audit_log WHERE org = {org:String} AND seq = 59',
    query_params: { org: ORG },
    format: 'JSONEachRow',
  });
  const [{ p, o }] = (await partitionRs.json<{ p: number; o: string }>()) as [{ p: number; o: string }];
  assert.ok(first);
  const dead = await waitFor('three dead letters', async () => {
    const rs = await store.client.query({
      query: `SELECT partition, toString(offset) AS at, code, reason FROM dead_letters WHERE consumer = 'ledger-worker' AND topic = {t:String}`,
      query_params: { t: AUDIT },
      format: 'JSONEachRow',
    });
    const all = await rs.json<{ partition: number; at: string; code: string; reason: string }>();
    const ours = [
      all.find((d) => d.partition === p && BigInt(d.at) === BigInt(o) + 1n),
      all.find((d) => d.code === 'INVALID_ORG' && d.partition === p && BigInt(d.at) === BigInt(o) + 2n),
      all.find((d) => d.code === 'KEY_NOT_ORG' && d.reason.includes(ORG)),
    ];
    return ours.every(Boolean) ? ours : undefined;
  });
  assert.notEqual(dead[0]?.code, 'INVALID_ORG', 'the undecodable message has the decoder\'s code');
  assert.match(dead[0]?.reason ?? '', /./);
  assert.match(dead[1]?.reason ?? '', /cannot name a ledger/);
  assert.match(dead[2]?.reason ?? '', /someone-else/);
  const other = await waitFor('the second org', async () => {
    const s = (await queryLedgerStates(store, [OTHER])).get(OTHER);
    return s && s.ledger.fold.range.size === 5 ? s : undefined;
  });
  assert.equal(other.ledger.checkpointSize, 0, 'each org has its own chain and segments');
});

test('an org whose events sit in two partitions (two partitioners) is one verifiable chain, and the other orgs go on', async () => {
  const state = await waitFor(`${SPLIT_EVENTS} rows of the split org`, async () => {
    const s = (await queryLedgerStates(store, [SPLIT])).get(SPLIT);
    // An event folded twice fails here, not as a wait that never ends, and
    // says where each copy came from: the same source position twice is the
    // worker's fault, two positions are two copies in the log.
    if ((s?.ledger.fold.range.size ?? 0) > SPLIT_EVENTS) {
      const rs = await store.client.query({
        query: `SELECT event_id, groupArray(concat('seq ', toString(seq), ' from ', toString(source_partition), '@', toString(source_offset))) AS at
                FROM audit_log WHERE org = {org:String} GROUP BY event_id HAVING count() > 1`,
        query_params: { org: SPLIT },
        format: 'JSONEachRow',
      });
      const twice = (await rs.json<{ event_id: string; at: string[] }>()).map((d) => `${d.event_id}: ${d.at.join(', ')}`);
      assert.fail(`${s?.ledger.fold.range.size} rows for ${SPLIT_EVENTS} events; folded more than once: ${twice.join('; ')}`);
    }
    return s && s.ledger.fold.range.size === SPLIT_EVENTS ? s : undefined;
  });
  assert.deepEqual(state.sources.map((p) => p.partition), [1, 4], 'read from both partitions');
  const rows = await queryLedgerRows(store, { org: SPLIT, fromSeq: 0, toSeq: 1000 });
  assert.deepEqual(rows.map((r) => r.row.seq), Array.from({ length: SPLIT_EVENTS }, (_, i) => BigInt(i)), 'consecutive seqs');
  const ids = rows.map((r) => Number(r.row.event_id.slice(SPLIT.length + 1)));
  assert.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: SPLIT_EVENTS }, (_, i) => i), 'every event once');
  for (const odd of [0, 1]) {
    const fromOne = ids.filter((i) => i % 2 === odd);
    assert.deepEqual(fromOne, [...fromOne].sort((a, b) => a - b), 'each partition\'s events in their order');
  }
  const checkpoints = await queryAllCheckpoints(store, SPLIT);
  assert.ok(checkpoints.length > 0);
  const verdict = verifyLedger({ org: SPLIT, rows, checkpoints: checkpoints.map((c) => c.note), keyring: signingKeys.keyring() });
  assert.ok(verdict.ok, verdict.ok ? '' : verdict.error.message);
  const other = (await queryLedgerStates(store, [OTHER])).get(OTHER);
  assert.equal(other?.ledger.fold.range.size, 5, 'the other orgs are stored too');
});
