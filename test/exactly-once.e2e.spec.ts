// Exactly-once effect under crashes (DESIGN.md §2): the rollup worker runs as
// its own process and is killed with SIGKILL at random points while it folds a
// large run of events from the real broker, then restarted each time. Once it
// has caught up, every count and token sum (day and hour totals, hour and day
// digests) equals what the simulator sent, and a second worker replaying the
// topic from offset 0 into empty tables writes identical minute rollups, hour
// totals and hour and day digests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import kafkajs from 'kafkajs';
import { createKafkaBus } from '@mcpg/bus';
import { TOPICS } from '@mcpg/events';
import { Random, type TrafficSummary } from '@mcpg/simulator';
import { createStore, queryToolTotals, type Store } from '@mcpg/store';
import { runFleetSim } from '@mcpg/workers';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const EVENTS = Number(process.env.MCPG_EO_EVENTS ?? 1_000_000);
const KILLS = 5;
const run = randomBytes(4).toString('hex');
const orgs = [`eo-${run}-a`, `eo-${run}-b`, `eo-${run}-c`];
const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-eo-'));
const root = new URL('..', import.meta.url).pathname;
const rnd = new Random(20261122);

let summary: TrafficSummary;
let endOffsets: Map<number, number>;
const stores: Store[] = [];

before(async () => {
  assert.ok(brokers.length, 'MCPG_TEST_KAFKA_BROKERS must name the test broker (npm test starts one)');
  const bus = createKafkaBus({ brokers, clientId: `eo-${run}` });
  summary = await runFleetSim({ bus, seed: 11, orgs, gateways: 6, rate: 1e7, totalCalls: EVENTS, audit: false, partitions: 6 });
  await bus.close();
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  endOffsets = new Map((await admin.fetchTopicOffsets(TOPICS.calls)).map((p) => [p.partition, Number(p.high)]));
  await admin.disconnect();
});

after(async () => {
  for (const s of stores) await s.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Worker {
  readonly child: ChildProcess;
  /** Resolves once every partition is stored up to the end offsets taken after the simulator finished. */
  readonly caughtUp: Promise<void>;
  readonly exited: Promise<number | null>;
}

function startWorker(database: string, group: string): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/rollup-worker/src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      MCPG_KAFKA_BROKERS: brokers.join(','),
      MCPG_DATA_DIR: dataDir,
      MCPG_CLICKHOUSE_DATABASE: database,
      MCPG_WORKER_GROUP: group,
      // Small chunks, so commits move and crashes land on every side of a chunk boundary.
      MCPG_ROLLUP_CHUNK: '40000',
      MCPG_ROLLUP_BATCH_ROWS: '10000',
      MCPG_KAFKA_SESSION_TIMEOUT_MS: '6000',
      MCPG_WORKER_HTTP_PORT: '0',
      MCPG_LOG_LEVEL: 'debug',
    },
  });
  const stored = new Map<number, number>();
  const done = () => [...endOffsets].every(([p, end]) => (stored.get(p) ?? 0) >= end);
  const caughtUp = new Promise<void>((resolve) => {
    // Where the worker's flushes got to, from its debug log…
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"flushed"')) return;
      const { partitions } = JSON.parse(line) as { partitions: { topic: string; partition: number; committedOffset: string }[] };
      for (const p of partitions) if (p.topic === TOPICS.calls) stored.set(p.partition, Number(p.committedOffset));
      if (done()) resolve();
    });
    // …or, when a previous run committed everything, the group's offsets (no flush comes then).
    void committedOffsets(group).then((committed) => {
      for (const [p, o] of committed) stored.set(p, Math.max(stored.get(p) ?? 0, o));
      if (done()) resolve();
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, caughtUp, exited };
}

async function committedOffsets(group: string): Promise<Map<number, number>> {
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    // After a kill the group coordinator may still be loading the group
    // (GROUP_LOAD_IN_PROGRESS, retriable): ask again rather than fail the run.
    for (let attempt = 1; ; attempt++) {
      try {
        const [topic] = await admin.fetchOffsets({ groupId: group, topics: [TOPICS.calls] });
        return new Map((topic?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      } catch (err) {
        if (!(err as { retriable?: boolean }).retriable || attempt >= 30) throw err;
        await sleep(500);
      }
    }
  } finally {
    await admin.disconnect();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test(`a worker SIGKILLed ${KILLS} times at random points loses nothing and counts nothing twice`, { timeout: 900_000 }, async () => {
  for (let k = 0; k < KILLS; k++) {
    const w = startWorker('eo_crashy', `eo-${run}`);
    const after = 3000 + rnd.int(7000);
    await Promise.race([sleep(after), w.caughtUp]);
    w.child.kill('SIGKILL');
    await w.exited;
    console.log(`kill ${k + 1}: SIGKILL after ${after} ms`);
  }
  const last = startWorker('eo_crashy', `eo-${run}`);
  await last.caughtUp;
  last.child.kill('SIGTERM');
  assert.equal(await last.exited, 0, 'a clean stop after catching up');

  // The workers have exited: this process may now open their data directory.
  const store = await createStore({ kind: 'embedded', dataDir: join(dataDir, 'clickhouse'), database: 'eo_crashy' });
  try {
    await checkTotals(store);
  } finally {
    await store.close(); // the replay worker needs the directory next
  }
});

async function checkTotals(store: Store): Promise<void> {
  for (const org of orgs) {
    const got = new Map((await queryToolTotals(store, { org })).map((t) => [`${t.workspace}/${t.plugin}/${t.tool}`, t]));
    const want = [...summary.tally.series.values()].filter((s) => s.org === org);
    assert.equal(got.size, want.length, `label sets of ${org}`);
    for (const s of want) {
      const t = got.get(`${s.workspace}/${s.plugin}/${s.tool}`);
      assert.deepEqual(
        t && { calls: t.calls, errors: t.errors, tokensIn: t.tokensIn, tokensOut: t.tokensOut },
        { calls: s.calls, errors: s.outcomes.error + s.outcomes.timeout, tokensIn: s.tokensIn, tokensOut: s.tokensOut },
        `${org} ${s.workspace}/${s.plugin}/${s.tool}`,
      );
    }
  }
  // The hour totals and the hour and day digest rows, written in the same
  // flushes, count every call once too; a digest's weights sum to its calls.
  const sent = [...summary.tally.series.values()].filter((s) => orgs.includes(s.org));
  for (const table of ['tool_totals_1h', 'tool_rollups_1h', 'tool_rollups_1d'] as const) {
    const digest = table !== 'tool_totals_1h';
    const tiers = await store.client.query({
      query: `SELECT org, workspace, plugin, tool, sum(calls) AS n_calls, sum(tokens_in) AS n_in, sum(tokens_out) AS n_out,
                     ${digest ? 'sum(arraySum(latency_weights))' : 'sum(calls)'} AS n_weights
              FROM ${table} FINAL WHERE org IN {orgs:Array(String)} GROUP BY org, workspace, plugin, tool`,
      query_params: { orgs },
      format: 'JSONEachRow',
    });
    const byTierRows = new Map(
      (await tiers.json<{ org: string; workspace: string; plugin: string; tool: string; n_calls: string; n_in: string; n_out: string; n_weights: string }>()).map((h) => [
        `${h.org} ${h.workspace}/${h.plugin}/${h.tool}`,
        { calls: Number(h.n_calls), tokensIn: Number(h.n_in), tokensOut: Number(h.n_out), weights: Number(h.n_weights) },
      ]),
    );
    assert.equal(byTierRows.size, sent.length, `label sets in ${table}`);
    for (const s of sent) {
      const key = `${s.org} ${s.workspace}/${s.plugin}/${s.tool}`;
      assert.deepEqual(byTierRows.get(key), { calls: s.calls, tokensIn: s.tokensIn, tokensOut: s.tokensOut, weights: s.calls }, `${table} of ${key}`);
    }
  }
  // The org-wide rows (040) hold each org's calls once, whatever its labels.
  for (const table of ['tool_rollups_org_1m', 'tool_rollups_org_1h', 'tool_rollups_org_1d'] as const) {
    const rs = await store.client.query({
      query: `SELECT org, sum(calls) AS n_calls, sum(tokens_out) AS n_out, sum(arraySum(latency_weights)) AS n_weights
              FROM ${table} FINAL WHERE org IN {orgs:Array(String)} GROUP BY org ORDER BY org`,
      query_params: { orgs },
      format: 'JSONEachRow',
    });
    const got = (await rs.json<{ org: string; n_calls: string; n_out: string; n_weights: string }>()).map((r) => ({ org: r.org, calls: Number(r.n_calls), tokensOut: Number(r.n_out), weights: Number(r.n_weights) }));
    const want = [...orgs].sort().map((org) => {
      const mine = sent.filter((s) => s.org === org);
      const calls = mine.reduce((n, s) => n + s.calls, 0);
      return { org, calls, tokensOut: mine.reduce((n, s) => n + s.tokensOut, 0), weights: calls };
    }).filter((o) => o.calls > 0);
    assert.deepEqual(got, want, table);
  }
  const rs = await store.client.query({
    query: 'SELECT count() AS n, uniqExact(event_id) AS u FROM tool_invocations FINAL WHERE org IN {orgs:Array(String)}',
    query_params: { orgs },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: number | string; u: number | string }>();
  assert.equal(Number(row?.n), EVENTS, 'one tool_invocations row per call');
  assert.equal(Number(row?.u), EVENTS);
}

test('replaying the topic from offset 0 into empty tables rebuilds identical rollups', { timeout: 600_000 }, async () => {
  const replay = startWorker('eo_replay', `eo-replay-${run}`);
  await replay.caughtUp;
  replay.child.kill('SIGTERM');
  assert.equal(await replay.exited, 0);

  const crashy = await createStore({ kind: 'embedded', dataDir: join(dataDir, 'clickhouse'), database: 'eo_crashy' });
  const fresh = await createStore({ kind: 'embedded', dataDir: join(dataDir, 'clickhouse'), database: 'eo_replay' });
  stores.push(crashy, fresh);
  const rows = async (s: Store, table: string, time: string) => {
    const labels = table.startsWith('tool_rollups_org_') ? '' : 'workspace, plugin, tool, ';
    const rs = await s.client.query({
      query: `SELECT * FROM ${table} FINAL WHERE org IN {orgs:Array(String)}
              ORDER BY org, ${labels}${time}, source_partition, chunk_start`,
      query_params: { orgs },
      format: 'JSONEachRow',
    });
    return rs.json<Record<string, unknown>>();
  };
  for (const [table, time] of [
    ['tool_rollups_1m', 'minute'], ['tool_totals_1h', 'hour'], ['tool_rollups_1h', 'hour'], ['tool_rollups_1d', 'day'],
    ['tool_rollups_org_1m', 'minute'], ['tool_rollups_org_1h', 'hour'], ['tool_rollups_org_1d', 'day'],
  ] as const) {
    const [a, b] = [await rows(crashy, table, time), await rows(fresh, table, time)];
    assert.ok(a.length > 0, table);
    assert.equal(a.length, b.length, table);
    assert.deepEqual(a, b, table);
  }
});
