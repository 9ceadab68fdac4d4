// Clients nobody here wrote, pointed at the analyst SQL endpoint: curl with
// ClickHouse's documented HTTP parameters and the official @clickhouse/client.
// Each runs the README's analyst examples and gets the rows the engine gives
// the same statements directly; a key limited to acme gets only acme's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createClient } from '@clickhouse/client';
import { readmeSqlExamples, sameAnswer } from '../testing/readme-sql.ts';
import { startSqlTestServer, type SqlTestServer } from '../testing/sql-test-server.ts';

const run = promisify(execFile);
let t: SqlTestServer;

before(async () => {
  t = await startSqlTestServer();
});
after(async () => {
  await t?.close();
});

/** What the engine answers for `sql` directly (no endpoint, no scoping). */
async function direct(sql: string): Promise<unknown[]> {
  return (await t.store.client.query({ query: sql, format: 'JSONEachRow' })).json();
}

test('/ping and GET / answer Ok. as a ClickHouse server does', async () => {
  for (const path of ['/ping', '/']) {
    const res = await fetch(t.url + path);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Ok.\n');
  }
});

test('curl: query in the URL, in the body, FORMAT, default_format, param_*, database, basic auth and X-ClickHouse headers', async () => {
  const inUrl = await run('curl', ['-sS', '--fail-with-body', '-u', 'analyst:analyst-secret', `${t.url}/?database=${t.store.database}&query=${encodeURIComponent("SELECT count() FROM tool_invocations WHERE org = 'acme'")}`]);
  const [expected] = (await direct("SELECT count() AS n FROM tool_invocations WHERE org = 'acme'")) as { n: string }[];
  assert.equal(inUrl.stdout.trim(), String(expected!.n));
  assert.ok(Number(expected!.n) > 0);

  const inBody = await run('curl', [
    '-sS', '--fail-with-body', '-H', 'X-ClickHouse-User: analyst', '-H', 'X-ClickHouse-Key: analyst-secret',
    `${t.url}/?default_format=JSONCompact&param_org=acme&param_n=2`,
    '--data-binary', 'SELECT org, count() AS calls FROM tool_invocations WHERE org = {org:String} GROUP BY org LIMIT {n:UInt8}',
  ]);
  const doc = JSON.parse(inBody.stdout) as { data: unknown[][]; meta: { name: string }[] };
  assert.deepEqual(doc.meta.map((m) => m.name), ['org', 'calls']);
  assert.deepEqual(doc.data, [['acme', expected!.n]]);

  const withFormat = await run('curl', ['-sS', '--fail-with-body', '-u', 'analyst:analyst-secret', `${t.url}/`, '--data-binary', "SELECT 'a' AS x, 1 AS y FORMAT CSVWithNames"]);
  assert.equal(withFormat.stdout, '"x","y"\n"a",1\n');

  const headers = await run('curl', ['-sS', '-D', '-', '-o', '/dev/null', '-u', 'analyst:analyst-secret', `${t.url}/?query=SELECT%201&default_format=JSONEachRow`]);
  assert.match(headers.stdout, /x-clickhouse-format: JSONEachRow/i);
  assert.match(headers.stdout, /x-clickhouse-summary: \{"read_rows"/i);
});

test('curl: every README example answers the rows the engine gives directly', async () => {
  const examples = readmeSqlExamples();
  assert.ok(examples.length >= 10, `found ${examples.length}`);
  for (const sql of examples) {
    const { stdout } = await run('curl', ['-sS', '--fail-with-body', '-u', 'analyst:analyst-secret', `${t.url}/?default_format=JSONEachRow`, '--data-binary', sql]);
    const rows = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
    assert.ok(sameAnswer(sql, rows, await direct(sql)), sql);
  }
});

test('@clickhouse/client: README examples, query parameters, the same rows as the engine; an acme key sees only acme', async () => {
  const client = createClient({ url: t.url, username: 'analyst', password: 'analyst-secret', database: t.store.database });
  const acme = createClient({ url: t.url, username: 'acme-analyst', password: 'acme-analyst-secret' });
  try {
    assert.equal((await client.ping()).success, true);
    let withRows = 0;
    for (const sql of readmeSqlExamples()) {
      const rows = await (await client.query({ query: sql, format: 'JSONEachRow' })).json();
      assert.ok(sameAnswer(sql, rows, await direct(sql)), sql);
      if (rows.length > 0) withRows++;
    }
    assert.ok(withRows >= 8, `most examples find rows (${withRows})`);

    const q = 'SELECT org, count() AS calls FROM tool_invocations WHERE started_at >= {since:DateTime64(3)} GROUP BY org ORDER BY org';
    const params = { since: '2000-01-01 00:00:00.000' };
    const all = await (await client.query({ query: q, query_params: params, format: 'JSONEachRow' })).json<{ org: string }>();
    assert.deepEqual(all.map((r) => r.org), ['acme', 'default']);
    const scoped = await (await acme.query({ query: q, query_params: params, format: 'JSONEachRow' })).json<{ org: string; calls: string }>();
    assert.deepEqual(scoped, all.filter((r) => r.org === 'acme'));

    // The README's acme examples give an acme key what they give an all-orgs
    // key; its examples for org default give what the engine gives when no
    // row can be both orgs' (no rows, or zeros).
    let checked = 0;
    for (const sql of readmeSqlExamples()) {
      const rows = await (await acme.query({ query: sql, format: 'JSONEachRow' })).json();
      if (/org = 'acme'/.test(sql)) assert.ok(sameAnswer(sql, rows, await direct(sql)), sql);
      if (/org = 'default'/.test(sql)) assert.deepEqual(rows, await direct(sql.replace("org = 'default'", "org = 'default' AND org = 'acme'")), sql);
      checked++;
    }
    assert.equal(checked, readmeSqlExamples().length);
  } finally {
    await client.close();
    await acme.close();
  }
});

test('queries are counted by key name and outcome in the metrics; the secret never appears', async () => {
  const text = await t.metrics.registry.metrics();
  assert.match(text, /mcpg_sql_query_duration_seconds_count\{key="analyst",outcome="ok"\} [1-9]/);
  assert.match(text, /mcpg_sql_queries_total\{key="acme-analyst",outcome="ok"\} [1-9]/);
  assert.doesNotMatch(text, /secret/);
});
