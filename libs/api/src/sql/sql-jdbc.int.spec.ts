// The official ClickHouse JDBC driver (com.clickhouse:clickhouse-jdbc from
// Maven Central, built with Maven at test time: libs/api/test/jdbc) pointed at
// the analyst SQL endpoint: the README's analyst examples give the rows the
// engine gives directly, a prepared statement binds its parameter, an
// org-limited key sees only its org, and a write is refused with the
// server's exception code.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { readmeSqlExamples } from '../testing/readme-sql.ts';
import { startSqlTestServer, type SqlTestServer } from '../testing/sql-test-server.ts';

const JDBC_DIR = new URL('../../test/jdbc/', import.meta.url).pathname;
const run = promisify(execFile);
let t: SqlTestServer;

interface JdbcResult {
  readonly columns?: string[];
  readonly types?: string[];
  readonly rows?: (string | null)[][];
  readonly error?: string;
}

before(async () => {
  // Compiles the program and copies the driver with its dependencies (from ~/.m2 after the first run).
  await run('mvn', ['-q', '-B', 'package', 'dependency:copy-dependencies'], { cwd: JDBC_DIR, maxBuffer: 16 * 1024 * 1024 });
  t = await startSqlTestServer();
});
after(async () => {
  await t?.close();
});

function jdbc(user: string, statements: readonly string[]): Promise<JdbcResult[]> {
  return new Promise((resolve, reject) => {
    const url = `jdbc:clickhouse://127.0.0.1:${t.port}/${t.store.database}`;
    const p = spawn('java', ['-cp', `${JDBC_DIR}target/classes:${JDBC_DIR}target/lib/*`, 'dev.mcpg.jdbc.RunQueries', url, user, `${user}-secret`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.stdin.end(statements.join('\n-- next\n'));
    p.on('exit', (code) => {
      if (code !== 0) reject(new Error(`java exited ${code}: ${err}`));
      else resolve(out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as JdbcResult));
    });
  });
}

/** The engine's own answer, every value as text the way ClickHouse writes it in TSV. */
async function direct(sql: string): Promise<{ columns: string[]; rows: string[][] }> {
  const rs = await t.store.client.query({ query: sql, format: 'TabSeparatedWithNames' });
  const [head, ...lines] = (await rs.text()).split('\n').filter((l) => l !== '');
  return { columns: head!.split('\t'), rows: lines.map((l) => l.split('\t')) };
}

test('JDBC: every README example gives the engine\'s rows', async () => {
  const examples = readmeSqlExamples();
  const results = await jdbc('analyst', examples);
  assert.equal(results.length, examples.length);
  for (const [i, sql] of examples.entries()) {
    const r = results[i]!;
    assert.equal(r.error, undefined, `${sql}\n${r.error}`);
    const d = await direct(sql);
    assert.deepEqual(r.columns, d.columns, sql);
    assert.equal(r.rows!.length, d.rows.length, sql);
    // Text columns and integers read back exactly (as multisets: ties in an
    // ORDER BY may come in any order; under a LIMIT the rows at the cut may
    // differ, so only the count is compared); other types (dates, floats,
    // arrays) are in the driver's own spelling.
    if (/\bLIMIT\b/.test(sql)) continue;
    for (const [c, type] of r.types!.entries()) {
      if (!/^(Nullable\()?(LowCardinality\()?(String|U?Int(8|16|32|64))\)*$/.test(type)) continue;
      assert.deepEqual(r.rows!.map((row) => row[c]).sort(), d.rows.map((row) => row[c]!).sort(), `${sql}: column ${r.columns![c]}`);
    }
  }
});

test('JDBC: a prepared statement binds its parameter; an acme key sees only acme; a write is refused', async () => {
  const prepared = "-- prepared: acme\nSELECT org, count() AS calls FROM tool_invocations WHERE org = ? GROUP BY org";
  const [bound, everyOrg, ddl] = await jdbc('analyst', [prepared, 'SELECT DISTINCT org FROM tool_invocations ORDER BY org', 'DROP TABLE tool_invocations']);
  const expected = await direct("SELECT org, count() AS calls FROM tool_invocations WHERE org = 'acme' GROUP BY org");
  assert.deepEqual(bound!.rows, expected.rows);
  assert.deepEqual(everyOrg!.rows, [['acme'], ['default']]);
  assert.match(ddl!.error ?? '', /164|READONLY/);
  const [scoped] = await jdbc('acme-analyst', ['SELECT DISTINCT org FROM tool_invocations ORDER BY org']);
  assert.deepEqual(scoped!.rows, [['acme']]);
});
