// Attacks on the analyst SQL endpoint: each is refused or cut with the
// ClickHouse exception a server would give (X-ClickHouse-Exception-Code and a
// `Code: N. DB::Exception: …` body), the tables are untouched, and the
// store's own session, which ingest writes through, keeps working unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toInvocationRow } from '@mcpg/rollup';
import { TrafficGenerator } from '@mcpg/simulator';
import { insertToolInvocations } from '@mcpg/store';
import { startSqlTestServer, type SqlTestServer } from '../testing/sql-test-server.ts';

let t: SqlTestServer;
before(async () => {
  t = await startSqlTestServer();
});
after(async () => {
  await t?.close();
});

const basic = (id: string) => `Basic ${Buffer.from(`${id}:${id}-secret`).toString('base64')}`;

async function send(sql: string, o: { key?: string; search?: Record<string, string> } = {}): Promise<{ status: number; code: string | null; body: string }> {
  const url = new URL(t.url + '/');
  for (const [k, v] of Object.entries(o.search ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, { method: 'POST', body: sql, headers: { authorization: basic(o.key ?? 'analyst') } });
  return { status: res.status, code: res.headers.get('x-clickhouse-exception-code'), body: await res.text() };
}

async function refused(sql: string, code: number, name: string, o: Parameters<typeof send>[1] = {}): Promise<string> {
  const r = await send(sql, o);
  assert.equal(r.code, String(code), `${sql}: ${r.body}`);
  assert.ok(r.status >= 400, `${sql}: status ${r.status}`);
  assert.match(r.body, new RegExp(`^Code: ${code}\\. DB::Exception: .+\\(${name}\\) \\(version [0-9.]+\\)\\n$`), sql);
  return r.body;
}

async function rows(sql: string, key = 'analyst'): Promise<unknown[]> {
  const r = await send(sql, { key, search: { default_format: 'JSONEachRow' } });
  assert.equal(r.status, 200, r.body);
  return r.body.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
}

const count = async () => Number(((await (await t.store.client.query({ query: 'SELECT count() AS n FROM tool_invocations', format: 'JSONEachRow' })).json()) as { n: string }[])[0]!.n);

test('writes, DDL, SYSTEM, KILL and SET are refused as READONLY; the tables are untouched', async () => {
  const before = await count();
  for (const sql of [
    "INSERT INTO tool_invocations (org) VALUES ('x')",
    'ALTER TABLE tool_invocations DELETE WHERE 1',
    'DROP TABLE tool_invocations',
    'TRUNCATE TABLE tool_invocations',
    'CREATE TABLE stolen (a Int8) ENGINE = Memory',
    'SYSTEM STOP MERGES',
    'SYSTEM SHUTDOWN',
    'KILL QUERY WHERE 1',
    'SET readonly = 0',
    'GRANT ALL ON *.* TO default',
    'SHOW CREATE TABLE tool_invocations',
    "SHOW SETTINGS LIKE '%'",
    'SHOW DATABASES',
    'SHOW TABLES FROM system',
    'SHOW PROCESSLIST',
    'SHOW GRANTS',
  ]) {
    await refused(sql, 164, 'READONLY');
  }
  assert.equal(await count(), before);
});

test('one statement only: a second one, or one hidden after a comment, is a syntax error and does not run', async () => {
  const before = await count();
  for (const sql of [
    'SELECT 1; DROP TABLE tool_invocations',
    'SELECT 1 /* harmless */; DROP TABLE tool_invocations -- ',
    'SELECT 1 -- a comment\n; TRUNCATE TABLE tool_invocations',
    "SELECT ';' AS x; INSERT INTO tool_invocations (org) VALUES ('x')",
  ]) {
    const body = await refused(sql, 62, 'SYNTAX_ERROR');
    assert.match(body, /Multi-statements are not allowed/);
  }
  assert.equal(await count(), before);
  // A `;` inside a string or a comment is not a second statement.
  assert.deepEqual(await rows("SELECT ';' AS x -- ; DROP TABLE tool_invocations"), [{ x: ';' }]);
});

test('table functions that reach files, URLs, other servers or programs are refused, and so is INTO OUTFILE', async () => {
  for (const sql of [
    "SELECT * FROM file('/etc/passwd', 'LineAsString')",
    "SELECT file('/etc/passwd')",
    "SELECT * FROM url('http://127.0.0.1:1/x', 'CSV', 'a String')",
    "SELECT * FROM s3('http://127.0.0.1:1/bucket/x.csv')",
    "SELECT * FROM remote('127.0.0.1:9000', system.one)",
    "SELECT * FROM mysql('127.0.0.1:3306', 'db', 't', 'u', 'p')",
    "SELECT * FROM executable('id', 'TSV', 'a String')",
    "SELECT * FROM merge(currentDatabase(), '.*')",
    "SELECT 1 WHERE 1 IN (SELECT * FROM url('http://127.0.0.1:1/', 'CSV', 'a UInt8'))",
    "DESCRIBE url('http://127.0.0.1:1/', 'CSV')",
    "SELECT getSetting('max_execution_time')",
  ]) {
    await refused(sql, 497, 'ACCESS_DENIED');
  }
  const outfile = join(tmpdir(), `mcpg-outfile-${process.pid}.txt`);
  await refused(`SELECT 1 INTO OUTFILE '${outfile}'`, 392, 'QUERY_IS_PROHIBITED');
  assert.equal(existsSync(outfile), false);
  // Generators are allowed.
  assert.deepEqual(await rows('SELECT sum(number) AS s FROM numbers(10)'), [{ s: 45 }]);
});

test('settings: none in the query, only allowed ones (and limits only lowered) from the URL', async () => {
  await refused('SELECT 1 SETTINGS max_execution_time = 0', 164, 'READONLY');
  await refused('SELECT 1 SETTINGS readonly = 0', 164, 'READONLY');
  await refused('SELECT 1', 164, 'READONLY', { search: { readonly: '0' } });
  await refused('SELECT 1', 164, 'READONLY', { search: { max_execution_time: '0' } });
  await refused('SELECT 1', 164, 'READONLY', { search: { max_result_rows: '1000000000000' } });
  await refused('SELECT 1', 164, 'READONLY', { search: { additional_table_filters: "{'x':'1'}" } });
  const ok = await send('SELECT 1', { search: { max_execution_time: '2', readonly: '1', output_format_json_quote_64bit_integers: '0', default_format: 'JSONEachRow' } });
  assert.equal(ok.status, 200, ok.body);
});

test('system tables, other databases and the database parameter', async () => {
  for (const sql of ['SELECT * FROM system.settings', 'SELECT * FROM system.processes', 'SELECT * FROM system.query_log', 'SELECT * FROM information_schema.tables', 'SELECT count() FROM tool_invocations WHERE org IN system.tables', 'SELECT * FROM default.anything']) {
    await refused(sql, 497, 'ACCESS_DENIED');
  }
  await refused('SELECT 1', 81, 'UNKNOWN_DATABASE', { search: { database: 'system' } });
  const tables = (await rows('SHOW TABLES')) as { name: string }[];
  assert.deepEqual(await rows("SHOW TABLES LIKE 'tool_invocations'"), [{ name: 'tool_invocations' }]);
  assert.ok(tables.some((r) => r.name === 'tool_invocations'));
});

test('a key limited to acme sees only acme rows, however the query reaches the table', async () => {
  const orgs = async (sql: string) => ((await rows(sql, 'acme-analyst')) as { org: string }[]).map((r) => r.org);
  assert.deepEqual(await orgs('SELECT DISTINCT org FROM tool_invocations ORDER BY org'), ['acme']);
  assert.deepEqual(await orgs('SELECT DISTINCT org FROM tool_rollups_1m FINAL ORDER BY org'), ['acme']);
  assert.deepEqual(await orgs(`SELECT DISTINCT org FROM ${t.store.database}.tool_totals_1d AS x ORDER BY org`), ['acme']);
  assert.deepEqual(await orgs('WITH w AS (SELECT org FROM tool_invocations) SELECT DISTINCT org FROM w'), ['acme']);
  assert.deepEqual(await orgs('SELECT DISTINCT a.org AS org FROM tool_invocations AS a JOIN tool_totals_1d AS b ON a.org = b.org'), ['acme']);
  assert.deepEqual(await rows("SELECT count() AS n FROM tool_invocations WHERE org = 'default'", 'acme-analyst'), [{ n: 0 }]);
  assert.deepEqual(await rows("SELECT count() AS n FROM (SELECT * FROM tool_invocations) WHERE org = 'default'", 'acme-analyst'), [{ n: 0 }]);
  // The all-orgs key does see default's rows.
  assert.notDeepEqual(await rows("SELECT count() AS n FROM tool_invocations WHERE org = 'default'"), [{ n: 0 }]);
  // Tables without an org column are not for org-limited keys.
  await refused('SELECT * FROM schema_migrations', 497, 'ACCESS_DENIED', { key: 'acme-analyst' });
});

test('credentials: a wrong secret is AUTHENTICATION_FAILED, a key without the sql role ACCESS_DENIED', async () => {
  const wrong = await fetch(t.url + '/?query=SELECT%201', { headers: { 'x-clickhouse-user': 'analyst', 'x-clickhouse-key': 'nope' } });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('x-clickhouse-exception-code'), '516');
  const none = await fetch(t.url + '/?query=SELECT%201');
  assert.equal(none.status, 401);
  await refused('SELECT 1', 497, 'ACCESS_DENIED', { key: 'viewer' });
});

test('a huge result, a memory hog and a query that would run for minutes are cut by the engine', async () => {
  await refused('SELECT number, toString(number) FROM numbers(100000000)', 396, 'TOO_MANY_ROWS_OR_BYTES');
  await refused('SELECT groupArray(number) FROM numbers(100000000)', 241, 'MEMORY_LIMIT_EXCEEDED');
  await refused('SELECT sum(cityHash64(number)) FROM numbers(1000000000000)', 159, 'TIMEOUT_EXCEEDED');
});

test('concurrent queries per key are limited; other keys and ingest go on', async () => {
  const slow = 'SELECT sum(cityHash64(number)) FROM numbers(1000000000000)';
  const running = [send(slow), send(slow)];
  await new Promise((r) => setTimeout(r, 300));
  await refused('SELECT 1', 202, 'TOO_MANY_SIMULTANEOUS_QUERIES');
  assert.deepEqual(await rows('SELECT 1 AS one', 'acme-analyst'), [{ one: 1 }]);
  // Ingest writes through the store's own session meanwhile, with its own settings.
  const before = await count();
  await insertToolInvocations(t.store, [freshCall('written-during-analyst-queries')]);
  assert.equal(await count(), before + 1);
  for (const r of await Promise.all(running)) assert.equal(r.code, '159', r.body);
  const settings = (await (await t.store.client.query({ query: "SELECT getSetting('readonly') AS ro, getSetting('max_execution_time') AS met", format: 'JSONEachRow' })).json()) as { ro: unknown; met: unknown }[];
  assert.deepEqual(settings, [{ ro: 0, met: 0 }]);
});

/** A call of a minute ago, as the rollup worker stores one. */
function freshCall(eventId: string) {
  const g = new TrafficGenerator({ seed: 11, orgs: ['default'], gateways: 1, startTime: Date.now() - 60_000, rate: 1 });
  return { ...toInvocationRow(g.next().call, 0, '0'), event_id: eventId };
}
