// `mcpg up` serves analysts' SQL on loopback and names it in its banner;
// `mcpg sql` runs the README's analyst examples through it as written (a table
// by default, any ClickHouse format on request, a pipe of statements, progress
// on stderr), refuses what is not a read with ClickHouse's error, and every
// query shows in the API's metrics under its key's name.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import { readmeSqlExamples, sameAnswer } from '@mcpg/api/testing';

const ROOT = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mcpg-analyst-sql-'));
const KEYS = { analyst: 'analyst-secret-1', ops: 'ops-secret-1' };
let child: ChildProcess;
let log = '';
let sqlUrl = '';
let apiUrl = '';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function mcpgSql(args: string[], o: { key?: string; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['bin/mcpg.mjs', 'sql', '--sql-url', sqlUrl, ...args], {
      cwd: ROOT,
      env: { ...process.env, MCPG_SQL_KEY: o.key ?? KEYS.analyst, MCPG_SQL_HISTORY_FILE: join(dir, 'history') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.stdin.end(o.input ?? '');
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${log.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

before(async () => {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  writeFileSync(join(dir, 'keys.json'), JSON.stringify({ keys: [{ id: 'analyst', sha256: sha(KEYS.analyst), orgs: ['*'], roles: ['sql'] }, { id: 'ops', sha256: sha(KEYS.ops), orgs: ['*'], roles: ['admin'] }] }));
  // In-process bus, 4 s of simulated traffic, and the SQL endpoint on any free loopback port.
  const args = ['bin/mcpg.mjs', 'up', '--bus', 'memory', '--data-dir', join(dir, 'data'), '--port', '0', '--sql-listen', '127.0.0.1:0', '--rate', '400', '--duration', '4', '--api-keys-file', join(dir, 'keys.json'), '--log-level', 'warn'];
  child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MCPG_LEDGER_SEGMENT_SECONDS: '1' } });
  child.stdout!.on('data', (c) => (log += c));
  child.stderr!.on('data', (c) => (log += c));
  sqlUrl = await waitFor('the sql line of the banner', async () => /\n\s+sql\s+(http:\/\/127\.0\.0\.1:\d+)\s/.exec(log)?.[1], 180_000);
  apiUrl = /\n\s+api\s+(http:\/\/\S+)/.exec(log)![1]!;
  // The traffic has ended and is all stored once two readings a second apart agree.
  const client = createClient({ url: sqlUrl, password: KEYS.analyst });
  let last = -1;
  await waitFor('the simulated traffic stored', async () => {
    const [row] = await (await client.query({ query: 'SELECT count() AS n FROM tool_invocations', format: 'JSONEachRow' })).json<{ n: number }>();
    const n = Number(row!.n);
    const settled = n > 0 && n === last;
    last = n;
    await new Promise((r) => setTimeout(r, 1000));
    return settled ? n : undefined;
  }, 120_000);
  await client.close();
});

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

test('the banner names the SQL endpoint on loopback', () => {
  assert.match(log, /sql\s+http:\/\/127\.0\.0\.1:\d+\s+\(ClickHouse HTTP, read-only/);
});

test('every README analyst example runs through mcpg sql as written: a table by default, the rows of the endpoint in JSON', async () => {
  const examples = readmeSqlExamples();
  assert.ok(examples.length >= 10);
  const client = createClient({ url: sqlUrl, password: KEYS.analyst });
  try {
    let tables = 0;
    for (const sql of examples) {
      const pretty = await mcpgSql([sql]);
      assert.equal(pretty.code, 0, `${sql}\n${pretty.stderr}`);
      assert.equal(pretty.stderr, '');
      if (pretty.stdout.includes('┌')) tables++;
      const json = await mcpgSql(['--format', 'JSONEachRow', sql]);
      assert.equal(json.code, 0, json.stderr);
      const rows = json.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
      const expected = await (await client.query({ query: sql, format: 'JSONEachRow' })).json();
      assert.ok(sameAnswer(sql, rows, expected), `${sql}\n${JSON.stringify(rows)}\n${JSON.stringify(expected)}`);
    }
    assert.ok(tables >= examples.length / 2, `most examples print a table with rows (${tables} of ${examples.length})`);
  } finally {
    await client.close();
  }
});

test('statements piped to mcpg sql run one after another; a refused one fails the run with the ClickHouse error', async () => {
  const piped = await mcpgSql(['--format', 'TSV'], { input: "SELECT 1;\n-- a comment\nSELECT 'two'\n  AS x;\n" });
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(piped.stdout, '1\ntwo\n');
  const refused = await mcpgSql(['DROP TABLE tool_invocations']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^Code: 164\. DB::Exception: .*\(READONLY\)/);
  const wrongKey = await mcpgSql(['SELECT 1'], { key: 'not-a-key' });
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.stderr, /^Code: 516\./);
});

test('progress: elapsed time while a query runs and a summary after it, on stderr', async () => {
  const r = await mcpgSql(['--progress', 'on', '--format', 'TSV', 'SELECT sleep(1) AS s, count() FROM tool_invocations']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\d+\.\d s elapsed/);
  assert.match(r.stderr, /rows read \([\d.]+ MB\) in \d+\.\d{3} s/);
});

test('the API\'s metrics count the analyst queries under the key\'s name, never its secret', async () => {
  const text = await (await fetch(`${apiUrl}/api/v1/metrics`, { headers: { authorization: `Bearer ${KEYS.ops}` } })).text();
  assert.match(text, /mcpg_sql_queries_total\{key="analyst",outcome="ok"\} [1-9]/);
  assert.match(text, /mcpg_sql_query_duration_seconds_count\{key="analyst",outcome="error"\} [1-9]/);
  assert.doesNotMatch(text, new RegExp(KEYS.analyst));
});
