// End to end on real parts: the fleet simulator sends Avro events (some
// malformed) through a real Kafka broker; the rollup worker stores them in the
// embedded ClickHouse engine; the query API's counters must equal exactly what
// was sent, and every malformed message must be on the dead-letter topic with
// its reason.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKafkaBus } from '@mcpg/bus';
import { TOPICS } from '@mcpg/events';
import { DLQ_HEADERS, type Bus, type IncomingMessage } from '@mcpg/pipeline';
import { createStore, migrate, type Store } from '@mcpg/store';
import { buildApi } from '@mcpg/api';
import { runFleetSim, startRollupWorker, type RunningWorker } from '@mcpg/workers';
import type { TrafficSummary } from '@mcpg/simulator';
import { parseExposition, sameLabels } from './support/exposition.ts';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const run = randomBytes(4).toString('hex');
// Unique orgs per run: the broker may hold events of earlier runs and tests.
const orgs = [`e2e-${run}-a`, `e2e-${run}-b`];
// And a calls topic of their own: the worker reads only this run's events, so
// every pipeline count is exact and nothing waits on earlier tests' millions.
const callsTopic = `e2e-calls-${run}`;
const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-e2e-'));

let bus: Bus;
let store: Store;
let worker: RunningWorker;
let summary: TrafficSummary;
const api = () => buildApi({ store, logger: false });

before(async () => {
  assert.ok(brokers.length, 'MCPG_TEST_KAFKA_BROKERS must name the test broker (npm test starts one)');
  bus = createKafkaBus({ brokers, clientId: `e2e-${run}` });
  store = await createStore({ kind: 'embedded', dataDir, database: `e2e_${run}` });
  await migrate(store);
  worker = await startRollupWorker({ bus, store, topic: callsTopic, groupId: `e2e-rollup-${run}`, partitions: 6, batchRows: 2000, flushMs: 100 });
  summary = await runFleetSim({ bus, seed: 7, orgs, gateways: 4, rate: 20_000, totalCalls: 6000, malformedEvery: 200, partitions: 6, audit: false, topics: { calls: callsTopic } });
});

after(async () => {
  await worker?.stop();
  await bus?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function scrape(org: string, granularity = 'hour') {
  const res = await api().inject({ method: 'GET', url: `/v1/orgs/${org}/metrics?granularity=${granularity}` });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parseExposition(res.body);
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('the API counts exactly the calls, errors and tokens the simulator sent, per series', async () => {
  assert.equal(summary.tally.calls, 6000);
  for (const org of orgs) {
    const expected = [...summary.tally.series.values()].filter((s) => s.org === org);
    const want = expected.reduce((a, s) => a + s.calls, 0);
    const samples = await waitFor(`all calls of ${org}`, async () => {
      const s = await scrape(org);
      const got = s.filter((x) => x.name === 'mcpg_tool_calls_total').reduce((a, x) => a + x.value, 0);
      return got === want ? s : undefined;
    });
    // Latency quantiles of calls just made: the day window holds them (the
    // hour's quantiles are those of the last closed hour).
    const daySamples = await scrape(org, 'day');
    for (const series of expected) {
      const labels = { org, workspace: series.workspace, plugin: series.plugin, tool: series.tool };
      const calls = samples.find((x) => x.name === 'mcpg_tool_calls_total' && sameLabels(x.labels, labels));
      const errors = samples.find((x) => x.name === 'mcpg_tool_errors_total' && sameLabels(x.labels, labels));
      assert.equal(calls?.value, series.calls, `calls of ${JSON.stringify(labels)}`);
      assert.equal(errors?.value, series.outcomes.error + series.outcomes.timeout, `errors of ${JSON.stringify(labels)}`);
      const tokens = (direction: string) =>
        samples.find((x) => x.name === 'mcpg_tool_tokens_total' && sameLabels(x.labels, { ...labels, direction }))?.value;
      assert.equal(tokens('in'), series.tokensIn, `tokens in of ${JSON.stringify(labels)}`);
      assert.equal(tokens('out'), series.tokensOut, `tokens out of ${JSON.stringify(labels)}`);
      // Latency quantiles for the day so far, ordered.
      const q = ['0.5', '0.9', '0.95', '0.99'].map(
        (quantile) => daySamples.find((x) => x.name === 'mcpg_tool_latency_seconds' && sameLabels(x.labels, { ...labels, quantile }))?.value ?? NaN,
      );
      assert.ok(q.every((v, i) => v >= 0 && (i === 0 || v >= q[i - 1]!)), `quantiles of ${JSON.stringify(labels)}: ${q}`);
    }
  }
});

test('every malformed message is on the dead-letter topic with its reason', async () => {
  const want = summary.tally.malformedTotal;
  assert.equal(want, 30);
  const dead: IncomingMessage[] = [];
  const consumer = await bus.consumer({ groupId: `e2e-dlq-${run}`, topics: [TOPICS.deadletter], fromBeginning: true });
  await consumer.start(async (batch) => {
    for (const m of batch.messages) if (m.key && orgs.includes(m.key)) dead.push(m);
  });
  try {
    await waitFor('dead letters', async () => (dead.length >= want ? true : undefined));
  } finally {
    await consumer.close();
  }
  assert.equal(dead.length, want);
  const byKind = new Map<string, Set<string>>();
  for (const m of dead) {
    assert.equal(m.headers[DLQ_HEADERS.topic], callsTopic);
    assert.ok((m.headers[DLQ_HEADERS.reason] ?? '').length > 5, 'a readable reason');
    assert.match(m.headers[DLQ_HEADERS.offset] ?? '', /^\d+$/);
    const kind = m.headers['mcpg-sim-malformed'] ?? '?';
    byKind.set(kind, (byKind.get(kind) ?? new Set()).add(m.headers[DLQ_HEADERS.code] ?? ''));
  }
  // Each kind of damage is recognised for what it is.
  assert.deepEqual([...(byKind.get('bad-magic') ?? [])], ['BAD_MAGIC']);
  assert.deepEqual([...(byKind.get('unknown-fingerprint') ?? [])], ['UNKNOWN_FINGERPRINT']);
  assert.equal(byKind.size, 4);
});

test('the fleet endpoint reports the pipeline: messages processed, dead letters, no backlog once drained', async () => {
  const samples = await waitFor(
    'the worker to drain',
    async () => {
      const s = await scrape(orgs[0]!);
      const backlog = s.filter((x) => x.name === 'mcpg_pipeline_partition_backlog_messages').reduce((a, x) => a + x.value, 0);
      return backlog === 0 ? s : undefined;
    },
    240_000,
  );
  const one = (name: string) => samples.find((x) => x.name === name && x.labels.consumer === 'rollup-worker' && x.labels.topic === callsTopic);
  assert.equal(one('mcpg_pipeline_events_processed_total')?.value, 6030);
  assert.equal(one('mcpg_pipeline_dead_letters_total')?.value, 30);
  // Lag is per consumer (its worst partition), across topics.
  const lag = samples.find((x) => x.name === 'mcpg_pipeline_ingest_lag_seconds' && x.labels.consumer === 'rollup-worker');
  assert.ok((lag?.value ?? -1) >= 0);
});

test('an org with no traffic gets an empty exposition, not an error', async () => {
  const samples = await scrape(`nobody-${run}`);
  assert.equal(samples.filter((x) => x.name.startsWith('mcpg_tool_')).length, 0);
});
