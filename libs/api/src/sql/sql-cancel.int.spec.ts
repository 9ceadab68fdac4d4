// An analyst query whose client goes away is stopped in the engine, and its
// key's concurrency slot is free again for the key's next query: without
// that, the abandoned query ran on to its execution limit holding the slot
// (the key's next query was refused with 429 all that while).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSqlTestServer, TEST_SQL_LIMITS, type SqlTestServer } from '../testing/sql-test-server.ts';

// Far longer than the test may take: what ends the abandoned query is the cancel, not the limit.
const LIMIT_SECONDS = 600;
const HEAVY = 'SELECT count() FROM numbers(1000000000000) WHERE sipHash64(number) % 7 = 3';

let t: SqlTestServer;
before(async () => {
  t = await startSqlTestServer({ limits: { ...TEST_SQL_LIMITS, maxExecutionSeconds: LIMIT_SECONDS }, maxConcurrentPerKey: 1 });
});
after(async () => {
  await t?.close();
});

const auth = { authorization: `Basic ${Buffer.from('analyst:analyst-secret').toString('base64')}` };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Analyst queries the engine is running now (its process list, read through the store's own session). */
async function analystQueriesRunning(): Promise<number> {
  const rs = await t.store.client.query({ query: "SELECT count() AS n FROM system.processes WHERE startsWith(Settings['log_comment'], 'mcpg-analyst-')", format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string | number }>())[0]!.n);
}

async function selectOne(): Promise<{ status: number; code: string | null; body: string }> {
  const res = await fetch(`${t.url}/?query=${encodeURIComponent('SELECT 1')}`, { headers: auth });
  return { status: res.status, code: res.headers.get('x-clickhouse-exception-code'), body: await res.text() };
}

async function cancelledCount(): Promise<number> {
  const metric = await t.metrics.sqlQueries.get();
  return metric.values.filter((v) => v.labels.key === 'analyst' && v.labels.outcome === 'cancelled').reduce((s, v) => s + v.value, 0);
}

test('a client that leaves mid-query: the engine stops the query and the key can query again', async () => {
  const client = new AbortController();
  const abandoned = fetch(t.url, { method: 'POST', body: HEAVY, headers: auth, signal: client.signal }).catch((e: Error) => e.name);
  for (let i = 0; (await analystQueriesRunning()) === 0; i++) {
    assert.ok(i < 200, 'the heavy query never reached the engine');
    await sleep(50);
  }
  // The key's one slot is taken while its query runs.
  const busy = await selectOne();
  assert.equal(busy.status, 429, busy.body);
  assert.equal(busy.code, '202');

  client.abort();
  assert.equal(await abandoned, 'AbortError');
  // Within a minute (the limit is ten): the engine let go of the query and the key's next query is answered.
  let next = await selectOne();
  for (let i = 0; next.status === 429 && i < 120; i++) {
    await sleep(500);
    next = await selectOne();
  }
  assert.equal(next.status, 200, `the key's next query after its client left: ${next.body}`);
  assert.equal(next.body, '1\n');
  assert.equal(await analystQueriesRunning(), 0, 'the abandoned query is no longer in the engine');
  assert.equal(await cancelledCount(), 1, 'counted as cancelled in mcpg_sql_queries_total');
});

test('a query whose client stays is answered as before', async () => {
  const res = await fetch(`${t.url}/?query=${encodeURIComponent('SELECT sum(number) FROM numbers(1000)')}`, { headers: auth });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '499500\n');
  assert.equal(await analystQueriesRunning(), 0);
});
