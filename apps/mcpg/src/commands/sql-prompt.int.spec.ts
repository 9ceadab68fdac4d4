// The interactive prompt of `mcpg sql`, driven through a real pseudo-terminal
// (util-linux's `script` gives the command a terminal on stdin and stdout, so
// it opens the prompt as it does for a person): a query typed at the prompt
// prints its table, the Up arrow recalls it and Enter runs it again, and the
// history file brings it back in the next session.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSqlTestServer, type SqlTestServer } from '@mcpg/api/testing';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mcpg-sql-prompt-'));
const HISTORY = join(dir, 'history');
const PROMPT = 'mcpg sql :) ';
const UP = '\x1b[A';
const QUERY = "SELECT tool, count() AS calls FROM tool_invocations WHERE org = 'acme' GROUP BY tool ORDER BY tool;";

let sql: SqlTestServer;
let expected: { tool: string; calls: string }[];

before(async () => {
  sql = await startSqlTestServer();
  const rs = await sql.store.client.query({ query: QUERY.slice(0, -1), format: 'JSONEachRow' });
  expected = await rs.json();
  assert.ok(expected.length > 1, 'the seeded traffic has several tools for acme');
});
after(async () => {
  await sql.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a terminal would show, without cursor movement and colours. */
const screen = (raw: string) => raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

/** `mcpg sql` on a pseudo-terminal: keys in, what it draws out. */
class Terminal {
  private raw = '';
  private readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | null>;

  constructor() {
    const command = [process.execPath, 'bin/mcpg.mjs', 'sql', '--sql-url', sql.url].join(' ');
    this.child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: ROOT,
      env: { ...process.env, MCPG_SQL_KEY: 'analyst-secret', MCPG_SQL_HISTORY_FILE: HISTORY, TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (c: Buffer) => (this.raw += c.toString('utf8')));
    this.child.stderr.on('data', (c: Buffer) => (this.raw += c.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', resolve));
  }

  /** A place in the output to wait from. */
  mark(): number {
    return this.raw.length;
  }

  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Waits until the screen since `from` satisfies `done`; fails with what it shows after 30 s. */
  async waitFor(what: string, from: number, done: (shown: string) => boolean): Promise<string> {
    const until = Date.now() + 30_000;
    for (;;) {
      const shown = screen(this.raw.slice(from));
      if (done(shown)) return shown;
      if (Date.now() > until) assert.fail(`timed out waiting for ${what}; the terminal shows:\n${shown}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits for the prompt after `from`, then returns what came before it. */
  async untilPrompt(what: string, from: number): Promise<string> {
    const shown = await this.waitFor(what, from, (s) => s.includes(PROMPT));
    return shown.slice(0, shown.lastIndexOf(PROMPT));
  }

  kill(): void {
    this.child.kill();
  }
}

/** The table rows drawn between `from` and the next prompt, as [tool, calls] pairs. */
async function tableAfter(t: Terminal, from: number): Promise<string[][]> {
  const shown = await t.waitFor('the result table and the next prompt', from, (s) => /│[\s\S]*\n[\s\S]*mcpg sql :\) $/.test(s) || s.includes('Exception'));
  // A row is what stands between its first and last │ (a terminal also gets row numbers before it).
  const table = shown
    .split('\n')
    .filter((line) => /│.*│\s*$/.test(line))
    .map((line) => line.slice(line.indexOf('│') + 1, line.lastIndexOf('│')).split('│').map((cell) => cell.trim()));
  if (table.length === 0) assert.fail(`no table rows; the terminal shows:\n${shown}`);
  return table;
}

const rows = () => expected.map((r) => [r.tool, String(r.calls)]);

test('a query typed at the prompt prints its table; Up recalls it and Enter runs it again', async () => {
  rmSync(HISTORY, { force: true });
  const t = new Terminal();
  try {
    await t.untilPrompt('the prompt', 0);
    let at = t.mark();
    t.type(`${QUERY}\r`);
    assert.deepEqual(await tableAfter(t, at), rows());

    at = t.mark();
    t.type(UP);
    // The prompt is drawn again with the previous statement on it, ready to edit or run.
    await t.waitFor('the recalled statement', at, (s) => s.includes(`${PROMPT}${QUERY}`));
    at = t.mark();
    t.type('\r');
    assert.deepEqual(await tableAfter(t, at), rows());

    t.type('\x04'); // Ctrl-D leaves
    assert.equal(await t.exited, 0);
  } finally {
    t.kill();
  }
  // The statement is the last line of the history file, which the next session reads.
  assert.deepEqual(readFileSync(HISTORY, 'utf8').split('\n').filter(Boolean).slice(-1), [QUERY]);
});

test('the next session recalls the previous session\'s statement from the history file', async () => {
  const t = new Terminal();
  try {
    await t.untilPrompt('the prompt', 0);
    let at = t.mark();
    t.type(UP);
    await t.waitFor('the statement from the last session', at, (s) => s.includes(`${PROMPT}${QUERY}`));
    at = t.mark();
    t.type('\r');
    assert.deepEqual(await tableAfter(t, at), rows());
    // A statement over two lines continues at the second prompt and runs at its `;`.
    at = t.mark();
    t.type("SELECT count() AS n\rFROM tool_invocations WHERE org = 'acme';\r");
    const total = expected.reduce((sum, r) => sum + Number(r.calls), 0);
    assert.deepEqual(await tableAfter(t, at), [[String(total)]]);
    t.type('\x04');
    assert.equal(await t.exited, 0);
  } finally {
    t.kill();
  }
});

test('a long statement shows the rows read so far against the engine\'s estimate while it runs', async () => {
  // Stopped by the test server's 3 s limit: long enough for several progress polls on any machine.
  const heavy = 'SELECT count() FROM numbers(1000000000000) WHERE sipHash64(number) % 7 = 3';
  const child = spawn(process.execPath, ['bin/mcpg.mjs', 'sql', '--sql-url', sql.url, '--progress', 'on', heavy], {
    cwd: ROOT,
    env: { ...process.env, MCPG_SQL_KEY: 'analyst-secret', MCPG_SQL_HISTORY_FILE: HISTORY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 1, 'the limit stops the statement');
  assert.match(screen(err), /s elapsed, [\d,]+ of 1,000,000,000,000 rows \(\d+%\)/, 'progress with the rows read and the estimate');
  assert.match(err, /TIMEOUT_EXCEEDED/);
});
