// The pipeline route over the real engine: the dead letters and positions the
// exposition carries, as JSON, each message counted once, for a key with the
// metrics role of the org in the URL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { recordFlush } from '@mcpg/store';
import { bearer, createTestApi, testKey, type TestApi } from '../testing/api-test-app.ts';

let api: TestApi;
before(async () => {
  api = await createTestApi({ apiKeys: [testKey('acme-metrics', ['acme'], ['metrics']), testKey('acme-audit', ['acme'], ['audit'])] });
});
after(async () => {
  await api.close();
});

const get = (url: string, key = 'acme-metrics') => api.app.inject({ method: 'GET', url, headers: bearer(key) });

test('dead letters by reason and their total, backlog and lag per partition; the same total as the exposition', async () => {
  const empty = await get('/v1/orgs/acme/pipeline');
  assert.equal(empty.statusCode, 200, empty.body);
  assert.deepEqual(empty.json(), { dead_letters: { total: 0, by_reason: [] }, partitions: [] });

  const storedAt = Date.UTC(2026, 11, 7, 12, 0, 0);
  const flush = {
    consumer: 'rollup-worker',
    storedAt,
    partitions: [
      { topic: 'mcpg.calls.v1', partition: 0, committedOffset: '120', highWatermark: '150', ingestLagMs: 1500 },
      { topic: 'mcpg.calls.v1', partition: 1, committedOffset: '80', highWatermark: '80', ingestLagMs: 250 },
    ],
    deadLetters: [
      { topic: 'mcpg.calls.v1', partition: 0, offset: '7', code: 'BAD_MAGIC', reason: 'not an mcpg event' },
      { topic: 'mcpg.calls.v1', partition: 1, offset: '9', code: 'BAD_MAGIC', reason: 'not an mcpg event' },
      { topic: 'mcpg.calls.v1', partition: 1, offset: '12', code: 'INVALID_CALL', reason: 'duration_us < 0' },
    ],
  };
  await recordFlush(api.store, flush);
  await recordFlush(api.store, flush); // a replayed flush: each message still counted once
  await recordFlush(api.store, { consumer: 'ledger-worker', storedAt, partitions: [], deadLetters: [{ topic: 'mcpg.audit.v1', partition: 0, offset: '3', code: 'UNKNOWN_FINGERPRINT', reason: 'schema not known' }] });

  const res = await get('/v1/orgs/acme/pipeline');
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { dead_letters: { total: number; by_reason: unknown[] }; partitions: unknown[] };
  assert.equal(body.dead_letters.total, 4);
  assert.deepEqual(body.dead_letters.by_reason, [
    { consumer: 'ledger-worker', topic: 'mcpg.audit.v1', code: 'UNKNOWN_FINGERPRINT', count: 1 },
    { consumer: 'rollup-worker', topic: 'mcpg.calls.v1', code: 'BAD_MAGIC', count: 2 },
    { consumer: 'rollup-worker', topic: 'mcpg.calls.v1', code: 'INVALID_CALL', count: 1 },
  ]);
  assert.deepEqual(body.partitions, [
    { consumer: 'rollup-worker', topic: 'mcpg.calls.v1', partition: 0, committed_offset: 120, backlog: 30, ingest_lag_ms: 1500, updated_at: '2026-12-07T12:00:00.000Z' },
    { consumer: 'rollup-worker', topic: 'mcpg.calls.v1', partition: 1, committed_offset: 80, backlog: 0, ingest_lag_ms: 250, updated_at: '2026-12-07T12:00:00.000Z' },
  ]);
  // What a scrape of the org's exposition counts: the same.
  const exposition = (await get('/v1/orgs/acme/metrics')).body;
  const dead = exposition.split('\n').filter((l) => l.startsWith('mcpg_pipeline_dead_letters_total{')).reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  assert.equal(dead, body.dead_letters.total);
});

test('the metrics role of the org in the URL: another org or another role is refused, a malformed org is a 400 naming it', async () => {
  assert.equal((await get('/v1/orgs/beta/pipeline')).statusCode, 403);
  assert.equal((await get('/v1/orgs/acme/pipeline', 'acme-audit')).statusCode, 403);
  assert.equal((await api.app.inject({ method: 'GET', url: '/v1/orgs/acme/pipeline' })).statusCode, 401);
  const bad = await get("/v1/orgs/a'b/pipeline");
  assert.ok(bad.statusCode === 400 || bad.statusCode === 403, bad.body);
});
