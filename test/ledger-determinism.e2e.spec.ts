// The ledger is a pure function of the routed audit topic (DESIGN.md §2, §5):
// the ledger worker (its router and its fold) runs as its own process over the
// real broker and is SIGKILLed at random points, restarted each time; once
// caught up, every org's chain has each event exactly once at consecutive seqs
// (no gap, no duplicate) and verifies against its signed checkpoints (no
// fork), including an org whose events sit in two partitions of the audit
// topic (producers with different partitioners). A second worker replaying
// from offset 0 into empty tables writes byte-identical rows, Merkle nodes,
// checkpoints (roots and Ed25519 signatures) and state.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import kafkajs from 'kafkajs';
import { createKafkaBus } from '@mcpg/bus';
import { TOPICS, auditCodec, type AuditEvent } from '@mcpg/events';
import { SigningKeys, signerKeyFromSeed, verifyLedger } from '@mcpg/ledger';
import { Random } from '@mcpg/simulator';
import { createStore, queryAllCheckpoints, queryLedgerRows, queryLedgerStates, type Store } from '@mcpg/store';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const PER_ORG = 12_000;
const KILLS = 3;
const run = randomBytes(4).toString('hex');
const orgs = [`lg-${run}-a`, `lg-${run}-b`, `lg-${run}-c`];
// Its events alternate between two partitions, as two producers with different partitioners put them.
const SPLIT = orgs[2] as string;
const SPLIT_PARTITIONS = [2, 5];
const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-ledger-e2e-'));
const root = new URL('..', import.meta.url).pathname;
const rnd = new Random(20261201);
const T0 = Date.UTC(2026, 10, 1);
// Keys rotate halfway through the events' time: both must sign, identically on replay.
const ROTATION = T0 + 666_000;
const keyFile = join(dataDir, 'signing.key');
const signing = new SigningKeys([
  { key: signerKeyFromSeed('test.invalid/ledger-e2e', new Uint8Array(32).fill(41)), window: { notBefore: null, notAfter: ROTATION } },
  { key: signerKeyFromSeed('test.invalid/ledger-e2e', new Uint8Array(32).fill(42)), window: { notBefore: ROTATION, notAfter: null } },
]);

let endOffsets: Map<number, number>;
const seqOf = (eventId: string) => Number(eventId.slice(eventId.lastIndexOf('-') + 1));
const stores: Store[] = [];

const event = (i: number): AuditEvent => {
  const org = orgs[i % orgs.length] as string;
  return {
    call_event_id: null,
    event_id: `${org}-${Math.floor(i / orgs.length)}`,
    org,
    workspace: `ws-${i % 5}`,
    instance: `gw-${i % 4}`,
    // 37 ms apart overall: an org gets ~270 rows per 30 s bucket, so segments
    // close both by row count (200) and by event time.
    occurred_at: T0 + i * 37,
    action: i % 11 === 0 ? 'policy.deny' : 'tool.call',
    actor: `agent-${i % 13}`,
    resource: `srv-${i % 3}__tool-${i % 7}`,
    decision: i % 11 === 0 ? 'deny' : 'permit',
    outcome: i % 11 === 0 ? 'denied' : i % 17 === 0 ? 'error' : 'ok',
    latency_us: i % 9 === 0 ? null : 500 + (i % 1000),
    arguments: JSON.stringify({ n: i, q: `query ${i % 97}` }),
    response: i % 2 ? `result ${i}` : null,
    error: i % 17 === 0 ? 'upstream returned 502' : null,
    trace_id: null,
  };
};

before(async () => {
  assert.ok(brokers.length, 'MCPG_TEST_KAFKA_BROKERS must name the test broker (npm test starts one)');
  writeFileSync(keyFile, signing.format(), { mode: 0o600 });
  const bus = createKafkaBus({ brokers, clientId: `lg-${run}` });
  await bus.ensureTopics([TOPICS.audit, TOPICS.auditByOrg, TOPICS.deadletter].map((name) => ({ name, partitions: 6 })));
  const producer = await bus.producer();
  const raw = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).producer();
  await raw.connect();
  const total = PER_ORG * orgs.length;
  for (let i = 0; i < total; i += 3000) {
    const events = Array.from({ length: Math.min(3000, total - i) }, (_, k) => event(i + k));
    await producer.send(TOPICS.audit, events.filter((e) => e.org !== SPLIT).map((e) => ({ key: e.org, value: auditCodec.encode(e) })));
    await raw.send({
      topic: TOPICS.audit,
      messages: events.filter((e) => e.org === SPLIT).map((e) => ({ key: e.org, value: auditCodec.encode(e), partition: SPLIT_PARTITIONS[seqOf(e.event_id) % 2] })),
    });
  }
  await raw.disconnect();
  await producer.close();
  await bus.close();
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  endOffsets = new Map((await admin.fetchTopicOffsets(TOPICS.audit)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
});

after(async () => {
  for (const s of stores) await s.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Worker {
  readonly child: ChildProcess;
  readonly caughtUp: Promise<void>;
  /** Resolves at the first stored flush. */
  readonly flushed: Promise<void>;
  readonly progress: { flushes: number; done: boolean };
  readonly exited: Promise<number | null>;
}

function startWorker(database: string, group: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/ledger-worker/src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      MCPG_KAFKA_BROKERS: brokers.join(','),
      MCPG_DATA_DIR: dataDir,
      MCPG_CLICKHOUSE_DATABASE: database,
      MCPG_LEDGER_GROUP: group,
      MCPG_LEDGER_KEY_FILE: keyFile,
      MCPG_LEDGER_SEGMENT_ROWS: '200',
      MCPG_LEDGER_SEGMENT_SECONDS: '30',
      // Small flushes, so commits move often and kills land between every kind of write.
      MCPG_WORKER_BATCH_ROWS: '500',
      MCPG_WORKER_FLUSH_MS: '100',
      MCPG_KAFKA_SESSION_TIMEOUT_MS: '6000',
      MCPG_WORKER_HTTP_PORT: '0',
      MCPG_LOG_LEVEL: 'debug',
    },
  });
  // Caught up: the router has routed every audit event, and the fold has read
  // the routed topic up to where it ended once routing was done.
  const routed = new Map<number, number>();
  const folded = new Map<number, number>();
  let routedEnd: Map<number, number> | undefined;
  const reached = (at: Map<number, number>, end: Map<number, number>) => [...end].every(([p, o]) => (at.get(p) ?? 0) >= o);
  const progress = { flushes: 0, done: false };
  let onFlush: () => void = () => undefined;
  const flushed = new Promise<void>((resolve) => (onFlush = resolve));
  const caughtUp = new Promise<void>((resolve) => {
    let fetching = false;
    const check = () => {
      if (routedEnd !== undefined) {
        if (reached(folded, routedEnd)) resolve();
      } else if (reached(routed, endOffsets) && !fetching) {
        fetching = true;
        void endOffsetsOf(TOPICS.auditByOrg).then((end) => {
          routedEnd = end;
          check();
        });
      }
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"flushed"')) return;
      progress.flushes++;
      onFlush();
      const { partitions } = JSON.parse(line) as { partitions: { topic: string; partition: number; committedOffset: string }[] };
      for (const p of partitions) (p.topic === TOPICS.audit ? routed : folded).set(p.partition, Number(p.committedOffset));
      check();
    });
    void Promise.all([committedOffsets(`${group}-router`, TOPICS.audit), committedOffsets(group, TOPICS.auditByOrg)]).then(([r, f]) => {
      for (const [p, o] of r) routed.set(p, Math.max(routed.get(p) ?? 0, o));
      for (const [p, o] of f) folded.set(p, Math.max(folded.get(p) ?? 0, o));
      check();
    });
  });
  void caughtUp.then(() => (progress.done = true));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, caughtUp, flushed, progress, exited };
}

async function committedOffsets(group: string, topic: string): Promise<Map<number, number>> {
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [found] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map((found?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

async function endOffsetsOf(topic: string): Promise<Map<number, number>> {
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const openDb = async (database: string) => {
  const s = await createStore({ kind: 'embedded', dataDir: join(dataDir, 'clickhouse'), database });
  stores.push(s);
  return s;
};

async function runToEnd(database: string, group: string): Promise<void> {
  const w = startWorker(database, group);
  await w.caughtUp;
  w.child.kill('SIGTERM');
  assert.equal(await w.exited, 0, 'a clean stop after catching up');
}

test(`a ledger worker SIGKILLed ${KILLS} times mid-stream leaves no gap, no duplicate and no fork`, { timeout: 300_000 }, async () => {
  let midStream = 0;
  for (let k = 0; k < KILLS; k++) {
    const w = startWorker('lg_crashy', `lg-${run}`);
    // Once it is writing, at a random point (between or inside flushes).
    await Promise.race([w.flushed, w.caughtUp]);
    const wait = rnd.int(600);
    await Promise.race([sleep(wait), w.caughtUp]);
    w.child.kill('SIGKILL');
    await w.exited;
    if (!w.progress.done) midStream++;
    console.log(`kill ${k + 1}: SIGKILL ${wait} ms after the first flush, ${w.progress.flushes} flushes stored${w.progress.done ? ' (had caught up)' : ''}`);
  }
  assert.ok(midStream > 0, 'at least one kill landed before the worker caught up');
  await runToEnd('lg_crashy', `lg-${run}`);

  const store = await openDb('lg_crashy');
  for (const org of orgs) {
    const rows = await queryLedgerRows(store, { org, fromSeq: 0, toSeq: PER_ORG * 2 });
    assert.equal(rows.length, PER_ORG, `${org}: one row per event`);
    assert.ok(rows.every((r, i) => r.row.seq === BigInt(i)), `${org}: seq 0..${PER_ORG - 1}`);
    if (org === SPLIT) {
      // The order between the two partitions is the router's; within each it is the producer's.
      const ids = rows.map((r) => seqOf(r.row.event_id));
      assert.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: PER_ORG }, (_, i) => i), `${org}: every event once`);
      for (const odd of [0, 1]) {
        const part = ids.filter((i) => i % 2 === odd);
        assert.ok(part.every((id, k) => k === 0 || id > part[k - 1]!), `${org}: partition ${SPLIT_PARTITIONS[odd]} in its order`);
      }
      const state = (await queryLedgerStates(store, [org])).get(org);
      assert.deepEqual(state?.sources.map((p) => p.partition), SPLIT_PARTITIONS, `${org}: read from both partitions`);
    } else {
      assert.ok(rows.every((r, i) => r.row.event_id === `${org}-${i}`), `${org}: in event order`);
    }
    const checkpoints = await queryAllCheckpoints(store, org);
    const closedBy = new Set(checkpoints.map((c) => c.closedBy));
    assert.deepEqual([...closedBy].sort(), ['rows', 'time'], 'segments closed by both rules');
    assert.deepEqual(new Set(checkpoints.map((c) => c.keyId)).size, 2, 'both keys of the rotation signed');
    const verdict = verifyLedger({ org, rows, checkpoints: checkpoints.map((c) => c.note), keyring: signing.keyring() });
    assert.ok(verdict.ok, verdict.ok ? '' : `${verdict.error.code} at ${verdict.error.seq}: ${verdict.error.message}`);
    assert.equal(verdict.signedSize, checkpoints.at(-1)?.treeSize);
  }
});

test('replaying the audit topic from offset 0 into empty tables rebuilds identical roots, signatures and rows', { timeout: 300_000 }, async () => {
  // The crashed run's store must be closed in this process before the child opens the data directory.
  for (const s of stores.splice(0)) await s.close();
  await runToEnd('lg_replay', `lg-replay-${run}`);
  const [crashy, fresh] = [await openDb('lg_crashy'), await openDb('lg_replay')];
  const dump = async (s: Store, table: string, order: string) => {
    const rs = await s.client.query({
      query: `SELECT * FROM ${table} FINAL WHERE org IN {orgs:Array(String)} ORDER BY ${order}`,
      query_params: { orgs },
      format: 'JSONEachRow',
    });
    return rs.json<Record<string, unknown>>();
  };
  for (const [table, order] of [
    ['audit_checkpoints', 'org, tree_size'],
    ['audit_log', 'org, seq'],
    ['audit_merkle_nodes', 'org, seq'],
    ['audit_ledger_heads', 'org'],
  ] as const) {
    const [a, b] = [await dump(crashy, table, order), await dump(fresh, table, order)];
    assert.ok(a.length >= orgs.length, `${table} has rows`);
    assert.equal(a.length, b.length, `${table}: same number of rows`);
    assert.deepEqual(a, b, `${table}: identical`);
  }
});
