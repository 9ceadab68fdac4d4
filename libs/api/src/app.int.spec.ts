import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createStore, insertToolInvocations, migrate, recordFlush, type Store, type ToolInvocationRow } from '@mcpg/store';
import { buildApi } from './app.ts';

// One chdb data directory per process; this file's stores use their own databases in it.
const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-query-api-test-'));
const database = `mcpg_test_${randomBytes(6).toString('hex')}`;
let store: Store;
let app: FastifyInstance;

before(async () => {
  store = await createStore({ kind: 'embedded', dataDir, database });
  await migrate(store);
  app = buildApi({ store });
  await app.ready();
});

after(async () => {
  await app.close();
  await store.client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let seq = 0;
function call(over: Partial<ToolInvocationRow>): ToolInvocationRow {
  seq++;
  return {
    event_id: `evt-${seq}`,
    org: 'acme',
    workspace: 'prod',
    instance: 'gw-1',
    plugin: 'github',
    tool: 'search',
    actor: 'alice',
    source: 'mcp',
    started_at: Date.UTC(2026, 10, 20) + seq,
    emitted_at: Date.UTC(2026, 10, 20) + seq + 2,
    duration_us: 800,
    outcome: 'ok',
    error_code: '',
    error_hash: '',
    tokens_in: 1,
    tokens_out: 2,
    trace_id: '',
    span_id: '',
    policy_decision: 'permit',
    policy_rule_id: '',
    source_partition: 0,
    source_offset: String(seq),
    ...over,
  };
}

const HEADER_CALLS = [
  '# HELP mcpg_tool_calls_total Tool calls handled by the gateways of the fleet.',
  '# TYPE mcpg_tool_calls_total counter',
];
const HEADER_ERRORS = [
  '# HELP mcpg_tool_errors_total Tool calls that failed: outcome error or timeout (policy denials and client cancellations are not errors).',
  '# TYPE mcpg_tool_errors_total counter',
];

test('GET /healthz', async () => {
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok' });
});

test('GET /readyz: 200 when ClickHouse answers, 503 with the reason when not', async () => {
  const ok = await app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { status: 'ok' });

  const gone = await createStore({ kind: 'embedded', dataDir, database });
  await gone.close();
  const down = buildApi({ store: gone });
  const res = await down.inject({ method: 'GET', url: '/readyz' });
  assert.equal(res.statusCode, 503);
  assert.deepEqual(res.json(), { status: 'unavailable', reason: 'ClickHouse did not answer SELECT 1 (STORE_CLOSED)' });
  // Queries on an unavailable store are 503 too, with no engine details.
  const metrics = await down.inject({ method: 'GET', url: '/v1/orgs/acme/metrics' });
  assert.equal(metrics.statusCode, 503);
  assert.equal(metrics.headers['retry-after'], '5');
  assert.deepEqual(metrics.json(), { error: { code: 'STORE_UNAVAILABLE', message: 'storage is unavailable, retry later' } });
  await down.close();
});

test('GET /v1/orgs/:org/metrics: counters from stored calls, duplicates once, labels escaped', async () => {
  const batch = [
    call({}),
    call({ outcome: 'error' }),
    call({ outcome: 'timeout' }),
    call({ outcome: 'denied' }),
    call({ tool: 'create "issue"' }),
    call({ workspace: 'dev', plugin: 'slack', tool: 'post' }),
    call({ org: 'other' }),
  ];
  await insertToolInvocations(store, batch);
  await insertToolInvocations(store, batch.slice(0, 3)); // redelivered
  const res = await app.inject({ method: 'GET', url: '/v1/orgs/acme/metrics?granularity=minute' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  // The tool families first; pipeline health follows (tested below).
  assert.equal(
    toolSection(res.body),
    [
      ...HEADER_CALLS,
      'mcpg_tool_calls_total{org="acme",workspace="dev",plugin="slack",tool="post"} 1',
      'mcpg_tool_calls_total{org="acme",workspace="prod",plugin="github",tool="create \\"issue\\""} 1',
      'mcpg_tool_calls_total{org="acme",workspace="prod",plugin="github",tool="search"} 4',
      ...HEADER_ERRORS,
      'mcpg_tool_errors_total{org="acme",workspace="dev",plugin="slack",tool="post"} 0',
      'mcpg_tool_errors_total{org="acme",workspace="prod",plugin="github",tool="create \\"issue\\""} 0',
      'mcpg_tool_errors_total{org="acme",workspace="prod",plugin="github",tool="search"} 2',
      '',
    ].join('\n'),
  );
  // granularity defaults to hour; counters do not depend on it.
  const byDefault = await app.inject({ method: 'GET', url: '/v1/orgs/acme/metrics' });
  assert.equal(byDefault.body, res.body);
});

test('an unknown org is 200 with HELP/TYPE and no samples', async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/orgs/nobody.here/metrics?granularity=day' });
  assert.equal(res.statusCode, 200);
  assert.equal(toolSection(res.body), [...HEADER_CALLS, ...HEADER_ERRORS, ''].join('\n'));
  assert.ok(
    res.body.split('\n').every((l) => l === '' || l.startsWith('#') || l.startsWith('mcpg_pipeline_')),
    'no tool samples for an unknown org',
  );
});

test('pipeline health: position, backlog, lag and dead letters of each worker group, counted once per message', async () => {
  const flush = {
    consumer: 'rollup-worker',
    storedAt: Date.UTC(2026, 10, 22, 12, 0, 0),
    partitions: [
      { topic: 'mcpg.calls.v1', partition: 0, committedOffset: '120', highWatermark: '150', ingestLagMs: 1500 },
      { topic: 'mcpg.calls.v1', partition: 1, committedOffset: '80', highWatermark: '80', ingestLagMs: 250 },
    ],
    deadLetters: [{ topic: 'mcpg.calls.v1', partition: 0, offset: '7', code: 'BAD_MAGIC', reason: 'not an mcpg event' }],
  };
  await recordFlush(store, flush);
  await recordFlush(store, flush); // a replayed flush rewrites the same keys
  // An older position arriving late (a zombie worker) never moves a partition back.
  await recordFlush(store, { ...flush, partitions: [{ ...flush.partitions[1]!, committedOffset: '10' }], deadLetters: [] });
  const res = await app.inject({ method: 'GET', url: '/v1/orgs/acme/metrics' });
  const lines = res.body.split('\n');
  for (const expected of [
    'mcpg_pipeline_events_processed_total{consumer="rollup-worker",topic="mcpg.calls.v1"} 200',
    'mcpg_pipeline_dead_letters_total{consumer="rollup-worker",topic="mcpg.calls.v1"} 1',
    'mcpg_rejected_events_total{consumer="rollup-worker",topic="mcpg.calls.v1",reason="BAD_MAGIC"} 1',
    'mcpg_pipeline_partition_backlog_messages{consumer="rollup-worker",topic="mcpg.calls.v1",partition="0"} 30',
    'mcpg_pipeline_partition_backlog_messages{consumer="rollup-worker",topic="mcpg.calls.v1",partition="1"} 0',
    `mcpg_pipeline_last_processed_timestamp_seconds{consumer="rollup-worker",topic="mcpg.calls.v1",partition="0"} ${flush.storedAt / 1000}`,
    'mcpg_pipeline_ingest_lag_seconds{consumer="rollup-worker"} 1.5',
  ]) {
    assert.ok(lines.includes(expected), `missing: ${expected}\n${res.body}`);
  }
});

/** The exposition up to the first pipeline family. */
function toolSection(body: string): string {
  const i = body.indexOf('# HELP mcpg_pipeline_');
  return i === -1 ? body : body.slice(0, i);
}

test('bad granularity or org is 400 naming the parameter', async () => {
  const g = await app.inject({ method: 'GET', url: '/v1/orgs/acme/metrics?granularity=week' });
  assert.equal(g.statusCode, 400);
  assert.deepEqual(g.json(), {
    error: { code: 'INVALID_PARAMETER', parameter: 'granularity', message: 'querystring parameter granularity must be one of minute, hour, day' },
  });
  for (const org of ['-acme', '.acme', 'ac%20me', "a'b", 'a%22b', 'x'.repeat(129), '%00']) {
    const res = await app.inject({ method: 'GET', url: `/v1/orgs/${org}/metrics` });
    assert.equal(res.statusCode, 400, org);
    const body = res.json() as { error: { code: string; parameter: string; message: string } };
    assert.equal(body.error.code, 'INVALID_PARAMETER', org);
    assert.equal(body.error.parameter, 'org', org);
    assert.match(body.error.message, /^params parameter org must match/, org);
  }
  const longest = await app.inject({ method: 'GET', url: `/v1/orgs/${'x'.repeat(128)}/metrics` });
  assert.equal(longest.statusCode, 200);
  // Rejected by the router before any schema runs: same error shape.
  const huge = await app.inject({ method: 'GET', url: `/v1/orgs/${'x'.repeat(300)}/metrics` });
  assert.equal(huge.statusCode, 414);
  assert.deepEqual(huge.json(), { error: { code: 'BAD_REQUEST', message: 'a path parameter is too long' } });
  const malformed = await app.inject({ method: 'GET', url: '/v1/orgs/%E0%A4%A/metrics' });
  assert.equal(malformed.statusCode, 400);
  assert.deepEqual(malformed.json(), { error: { code: 'BAD_REQUEST', message: 'malformed URL' } });
});

test('unknown routes are JSON 404s; server errors hide their details', async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/nope?secret=1' });
  assert.equal(res.statusCode, 404);
  assert.deepEqual(res.json(), { error: { code: 'NOT_FOUND', message: 'no route for GET /v1/nope' } });

  // A database without the tables: ClickHouse fails the query with details the client must not see.
  const empty = await createStore({ kind: 'embedded', dataDir, database: `${database}_empty` });
  const broken = buildApi({ store: empty });
  const err = await broken.inject({ method: 'GET', url: '/v1/orgs/acme/metrics' });
  assert.equal(err.statusCode, 500);
  assert.deepEqual(err.json(), { error: { code: 'INTERNAL', message: 'internal error' } });
  await broken.close();
  await empty.client.command({ query: `DROP DATABASE IF EXISTS ${database}_empty` });
  await empty.close();
});
