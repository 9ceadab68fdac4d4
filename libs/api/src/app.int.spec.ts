import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createStore, insertDayTotals, insertHourTotals, insertOrgRollupTiers, insertRollups, insertTierRollups, migrate, recordFlush, type Store } from '@mcpg/store';
import type { ToolCallEvent } from '@mcpg/events';
import { foldBatchTiers, type FoldOptions, type PositionedCall } from '@mcpg/rollup';
import { buildApi } from './app.ts';

// One chdb data directory per process; this file's stores use their own databases in it.
const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-query-api-test-'));
const database = `mcpg_test_${randomBytes(6).toString('hex')}`;
let store: Store;
let app: FastifyInstance;

before(async () => {
  store = await createStore({ kind: 'embedded', dataDir, database });
  await migrate(store);
  // Rows are written here directly, not by a worker flush: no answer reuse.
  app = buildApi({ store, load: { cacheMaxAgeMs: 0 } });
  await app.ready();
});

after(async () => {
  await app.close();
  await store.client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

let seq = 0;
const now = Date.now();
/** A call event `ago` ms before now, at the next offset of partition 0. */
function call(over: Partial<ToolCallEvent>, ago = 60_000): PositionedCall {
  seq++;
  return {
    partition: 0,
    offset: seq,
    event: {
      event_id: `evt-${seq}`,
      org: 'acme',
      workspace: 'prod',
      instance: 'gw-1',
      plugin: 'github',
      tool: 'search',
      actor: 'alice',
      source: 'mcp',
      started_at: now - ago,
      emitted_at: now - ago + 2,
      duration_us: 800 * seq,
      outcome: 'ok',
      error_code: null,
      error_message: null,
      tokens_in: 1,
      tokens_out: 2,
      trace_id: null,
      span_id: null,
      policy_decision: 'permit',
      policy_rule_id: null,
      ...over,
    },
  };
}

/** What the rollup worker writes for a batch: minute rollups, day and hour totals. */
async function storeFold(batch: readonly PositionedCall[], options?: FoldOptions): Promise<void> {
  const { minutes, days, hours, hourRollups, dayRollups, org } = foldBatchTiers(batch, options);
  await Promise.all([
    insertRollups(store, minutes),
    insertDayTotals(store, days),
    insertHourTotals(store, hours),
    insertTierRollups(store, 'hour', hourRollups),
    insertTierRollups(store, 'day', dayRollups),
    insertOrgRollupTiers(store, org),
  ]);
}

const HEADER_CALLS = [
  '# HELP mcpg_tool_calls_total Tool calls handled by the gateways of the fleet.',
  '# TYPE mcpg_tool_calls_total counter',
];
const HEADER_TOKENS = [
  '# HELP mcpg_tool_tokens_total Tokens of tool arguments (direction="in") and results (direction="out").',
  '# TYPE mcpg_tool_tokens_total counter',
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

test('GET /v1/orgs/:org/metrics: counters and tokens from the rollups, replays once, labels escaped', async () => {
  const batch = [
    call({}),
    call({ outcome: 'error' }),
    call({ outcome: 'timeout', tokens_out: 0 }),
    call({ outcome: 'denied', tokens_in: 0, tokens_out: 0 }),
    call({ tool: 'create "issue"' }),
    call({ workspace: 'dev', plugin: 'slack', tool: 'post' }),
    call({ org: 'other' }),
  ];
  await storeFold(batch);
  await storeFold(batch.slice(0, 3)); // a replay that got less far: an older version
  await storeFold(batch); // and one that got as far: the same rows again
  const res = await app.inject({ method: 'GET', url: '/v1/orgs/acme/metrics?granularity=hour' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
  assert.equal(
    section(res.body, 'mcpg_tool_calls_total', 'mcpg_tool_latency_seconds'),
    [
      ...HEADER_CALLS,
      'mcpg_tool_calls_total{org="acme",workspace="dev",plugin="slack",tool="post"} 1',
      'mcpg_tool_calls_total{org="acme",workspace="prod",plugin="github",tool="create \\"issue\\""} 1',
      'mcpg_tool_calls_total{org="acme",workspace="prod",plugin="github",tool="search"} 4',
      ...HEADER_ERRORS,
      'mcpg_tool_errors_total{org="acme",workspace="dev",plugin="slack",tool="post"} 0',
      'mcpg_tool_errors_total{org="acme",workspace="prod",plugin="github",tool="create \\"issue\\""} 0',
      'mcpg_tool_errors_total{org="acme",workspace="prod",plugin="github",tool="search"} 2',
      ...HEADER_TOKENS,
      'mcpg_tool_tokens_total{org="acme",workspace="dev",plugin="slack",tool="post",direction="in"} 1',
      'mcpg_tool_tokens_total{org="acme",workspace="prod",plugin="github",tool="create \\"issue\\"",direction="in"} 1',
      'mcpg_tool_tokens_total{org="acme",workspace="prod",plugin="github",tool="search",direction="in"} 3',
      'mcpg_tool_tokens_total{org="acme",workspace="dev",plugin="slack",tool="post",direction="out"} 2',
      'mcpg_tool_tokens_total{org="acme",workspace="prod",plugin="github",tool="create \\"issue\\"",direction="out"} 2',
      'mcpg_tool_tokens_total{org="acme",workspace="prod",plugin="github",tool="search",direction="out"} 4',
      '',
    ].join('\n'),
  );
});

test('latency quantiles cover the window of the granularity (minute and day from their digest tiers); sum and count are lifetime', async () => {
  // (granularity=hour, the last closed hour: metrics/closed-hour-quantiles.int.spec.ts.)
  const recent = [1, 2, 3, 4].map((ms) => call({ org: 'lat', duration_us: ms * 1000 }, 10_000));
  const old = [call({ org: 'lat', duration_us: 900_000 }, 2 * 3_600_000)];
  await storeFold([...recent, ...old]);
  const scrape = async (query: string) => (await app.inject({ method: 'GET', url: `/v1/orgs/lat/metrics?${query}` })).body.split('\n');
  const quantiles = (lines: string[], name = 'mcpg_tool_latency_seconds') =>
    lines.filter((l) => l.startsWith(`${name}{`)).map((l) => l.replace(/^.*quantile="([^"]+)"} (.*)$/, '$1 $2').split(' ').map(Number));
  assert.ok((await scrape('granularity=hour')).includes('# TYPE mcpg_tool_latency_seconds summary'));
  const minuteLines = await scrape('granularity=minute');
  const minute = quantiles(minuteLines);
  assert.deepEqual(minute.map(([q]) => q), [0.5, 0.9, 0.95, 0.99]);
  const p99minute = minute[3]![1]!;
  assert.ok(p99minute >= 0.003 && p99minute <= 0.004, `p99 over the last minute is among the recent calls: ${p99minute} s`);
  const day = quantiles(await scrape('granularity=day'));
  assert.ok(day[3]![1]! > 0.1, 'the day window includes the slow call two hours ago');
  // Counters, sum and count are lifetime totals whatever the window.
  const labels = '{org="lat",workspace="prod",plugin="github",tool="search"}';
  assert.ok(minuteLines.includes(`mcpg_tool_calls_total${labels} 5`));
  assert.ok(minuteLines.includes(`mcpg_tool_latency_seconds_sum${labels} 0.91`), 'Σ durations: 1+2+3+4+900 ms');
  assert.ok(minuteLines.includes(`mcpg_tool_latency_seconds_count${labels} 5`));
  assert.ok(!minuteLines.some((l) => l.includes('mcpg_tool_latency_ms')), 'the millisecond gauge only on request');

  // The older millisecond gauge, on request: the same quantiles.
  const legacy = await scrape('granularity=minute&latency_ms=true');
  assert.ok(legacy.includes('# TYPE mcpg_tool_latency_ms gauge'));
  assert.deepEqual(
    quantiles(legacy, 'mcpg_tool_latency_ms'),
    minute.map(([q, s]) => [q, Math.round(s! * 1_000_000) / 1000]),
  );
});

test('counters keep calls whose minute rollups expired (TTL) and survive idle days', async () => {
  // 100 days ago: past the 90-day TTL of tool_rollups_1m.
  const ancient = [call({ org: 'ttl' }, 100 * 86_400_000), call({ org: 'ttl', outcome: 'error' }, 100 * 86_400_000)];
  const recent = [call({ org: 'ttl' }, 30_000)];
  await storeFold([...ancient, ...recent]);
  const counters = async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/orgs/ttl/metrics?granularity=minute' });
    return res.body.split('\n').filter((l) => /^mcpg_tool_(calls|errors)_total\{/.test(l));
  };
  const before = await counters();
  assert.deepEqual(before, [
    'mcpg_tool_calls_total{org="ttl",workspace="prod",plugin="github",tool="search"} 3',
    'mcpg_tool_errors_total{org="ttl",workspace="prod",plugin="github",tool="search"} 1',
  ]);
  // A merge applies the TTL: the old minute rows go, the day totals stay.
  await store.client.command({ query: 'OPTIMIZE TABLE tool_rollups_1m FINAL' });
  await store.client.command({ query: 'OPTIMIZE TABLE tool_totals_1d FINAL' });
  const left = await store.client.query({ query: "SELECT sum(calls) AS n FROM tool_rollups_1m WHERE org = 'ttl'", format: 'JSONEachRow' });
  const [row] = await left.json<{ n: string | number }>();
  assert.equal(Number(row?.n), 1, 'the expired minute rows are gone');
  assert.deepEqual(await counters(), before);
});

test('label sets over the per-org cap are counted under __other__, and the folded calls are a counter', async () => {
  const batch = ['a', 'b', 'c', 'd', 'c'].map((tool) => call({ org: 'capped', tool }));
  await storeFold(batch, { maxLabelSetsPerOrg: 2 });
  const lines = (await app.inject({ method: 'GET', url: '/v1/orgs/capped/metrics' })).body.split('\n');
  assert.deepEqual(
    lines.filter((l) => l.startsWith('mcpg_tool_calls_total{')),
    [
      'mcpg_tool_calls_total{org="capped",workspace="__other__",plugin="__other__",tool="__other__"} 3',
      'mcpg_tool_calls_total{org="capped",workspace="prod",plugin="github",tool="a"} 1',
      'mcpg_tool_calls_total{org="capped",workspace="prod",plugin="github",tool="b"} 1',
    ],
  );
  assert.ok(lines.includes('# TYPE mcpg_tool_label_sets_folded_calls_total counter'));
  assert.ok(lines.includes('mcpg_tool_label_sets_folded_calls_total{org="capped"} 3'));
});

test('an unknown org is 200 with HELP/TYPE and no samples', async () => {
  const res = await app.inject({ method: 'GET', url: '/v1/orgs/nobody.here/metrics?granularity=day' });
  assert.equal(res.statusCode, 200);
  assert.equal(section(res.body, 'mcpg_tool_calls_total', 'mcpg_tool_latency_seconds'), [...HEADER_CALLS, ...HEADER_ERRORS, ...HEADER_TOKENS, ''].join('\n'));
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

/** The exposition from one family's HELP line up to another's. */
function section(body: string, from: string, to: string): string {
  return body.slice(body.indexOf(`# HELP ${from} `), body.indexOf(`# HELP ${to} `));
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
