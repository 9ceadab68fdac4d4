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

test('GET /progress: the rows a running query has read, for its own key only; gone once the query is', async () => {
  const id = 'progress-probe-1';
  const client = new AbortController();
  const heavy = fetch(`${t.url}/?query_id=${id}`, { method: 'POST', body: HEAVY, headers: auth, signal: client.signal }).catch((e: Error) => e.name);
  const progress = async (key = auth, query = `query_id=${id}`) => {
    const res = await fetch(`${t.url}/progress?${query}`, { headers: key });
    return { status: res.status, body: await res.text() };
  };
  const readRows = async (mayBeUnknown = false): Promise<{ read: number; total: number }> => {
    const p = await progress();
    // Until the endpoint has read the query's body, it knows no query of that id.
    if (mayBeUnknown && p.status === 404) return { read: 0, total: 0 };
    assert.equal(p.status, 200, p.body);
    const j = JSON.parse(p.body) as { query_id: string; read_rows: string; total_rows_to_read: string };
    assert.equal(j.query_id, id);
    return { read: Number(j.read_rows), total: Number(j.total_rows_to_read) };
  };
  let first = await readRows(true);
  for (let i = 0; first.read === 0; i++) {
    assert.ok(i < 200, 'the heavy query never showed progress');
    await sleep(50);
    first = await readRows(true);
  }
  assert.equal(first.total, 1_000_000_000_000, "the engine's estimate of the rows it reads");
  await sleep(300);
  const later = await readRows();
  assert.ok(later.read > first.read, `read rows grow while the query runs: ${first.read} then ${later.read}`);

  const otherKey = { authorization: `Basic ${Buffer.from('acme-analyst:acme-analyst-secret').toString('base64')}` };
  const other = await progress(otherKey);
  assert.equal(other.status, 404, "another key cannot see this key's query");
  assert.match(other.body, /no running query "progress-probe-1" of acme-analyst/);
  assert.equal((await progress(auth, 'query_id=no-such-query')).status, 404);
  const noId = await progress(auth, '');
  assert.equal(noId.status, 400);
  assert.match(noId.body, /query_id is required/);
  assert.equal((await progress({ authorization: 'Basic ' + Buffer.from('analyst:wrong').toString('base64') })).status, 401);

  client.abort();
  assert.equal(await heavy, 'AbortError');
  let gone = await progress();
  for (let i = 0; gone.status === 200 && i < 120; i++) {
    await sleep(500);
    gone = await progress();
  }
  assert.equal(gone.status, 404, 'no progress once the query is over');
  for (let i = 0; (await analystQueriesRunning()) > 0 && i < 120; i++) await sleep(500);
});

test('a query whose client stays is answered as before', async () => {
  const res = await fetch(`${t.url}/?query=${encodeURIComponent('SELECT sum(number) FROM numbers(1000)')}`, { headers: auth });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '499500\n');
  assert.equal(await analystQueriesRunning(), 0);
});
