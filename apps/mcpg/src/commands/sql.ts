// `mcpg sql`: analysts' SQL against the endpoint `mcpg up` serves (or any
// query API with MCPG_SQL_LISTEN). One statement from the arguments, or a
// prompt with history when stdin is a terminal, or statements from a pipe.
import { ConfigError, enumSetting, loadConfig, stringSetting } from '@mcpg/config';
import type { Command } from '../command.ts';
import { describeProgress, describeSummary, sendSql, type SqlClientOptions, type SqlProgress } from './sql-client.ts';
import { runSqlPrompt } from './sql-prompt.ts';

const settings = {
  sqlUrl: stringSetting({ env: 'MCPG_SQL_URL', flag: 'sql-url', default: 'http://127.0.0.1:8124', doc: 'The analyst SQL endpoint (what `mcpg up` prints on its sql line)' }),
  sqlUser: stringSetting({ env: 'MCPG_SQL_USER', flag: 'user', default: '', doc: 'API key id to sign in as (optional: the secret alone identifies the key)' }),
  sqlKey: stringSetting({ env: 'MCPG_SQL_KEY', default: '', secret: true, doc: 'API key secret with the sql role (environment only, never a flag: flags show in process lists); empty while auth is off' }),
  sqlFormat: stringSetting({ env: 'MCPG_SQL_FORMAT', flag: 'format', default: 'PrettyCompactMonoBlock', pattern: /^[A-Za-z0-9]+$/, doc: 'Output format when the statement has no FORMAT clause (any ClickHouse output format: TSV, CSVWithNames, JSONEachRow, Vertical, …)' }),
  sqlProgress: enumSetting({ env: 'MCPG_SQL_PROGRESS', flag: 'progress', default: 'auto', values: ['auto', 'on', 'off'], doc: 'Elapsed time while a query runs and a summary after it, on stderr (auto: when stderr is a terminal)' }),
  sqlHistoryFile: stringSetting({ env: 'MCPG_SQL_HISTORY_FILE', default: '', doc: 'History of the interactive prompt (default ~/.mcpg_sql_history)' }),
};

const FLAG = /^--[a-z][a-z0-9-]*(=[\s\S]*)?$/;

export const sqlCommand: Command = {
  name: 'sql',
  summary: 'Run analysts\' SQL on the read-only SQL endpoint: one statement, or a prompt with history',
  details: [
    'Usage: mcpg sql [--format <ClickHouse format>] ["SELECT …"]',
    'Without a statement and with a terminal on stdin: a prompt (end a statement with ;, Ctrl-D to leave).',
    'From a pipe: the statements of stdin, each ended by ; at the end of a line.',
    'Exit code: 0, or 1 when the endpoint refused or failed a statement (its ClickHouse error on stderr).',
  ].join('\n'),
  settings,
  async run(argv, env) {
    // A flag is `--name` or `--name=value`; anything else (a statement may
    // well start with a `-- comment`) is the statement, and a flag without
    // `=` takes the next argument as its value.
    const statements: string[] = [];
    const flags: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (!FLAG.test(a)) statements.push(a);
      else if (a.includes('=') || i + 1 >= argv.length) flags.push(a);
      else flags.push(a, argv[++i]!);
    }
    const c = loadConfig(settings, { env, argv: flags });
    if (statements.length > 1) throw new ConfigError('INVALID_SETTING', 'give the statement as one argument (quote it)');
    const progress = c.sqlProgress === 'on' || (c.sqlProgress === 'auto' && process.stderr.isTTY === true);
    const client: SqlClientOptions = {
      url: c.sqlUrl,
      user: c.sqlUser,
      key: c.sqlKey,
      format: c.sqlFormat,
      ...(process.stdout.isTTY ? {} : { settings: { output_format_pretty_color: '0' } }),
    };
    const runOne = (sql: string, signal?: AbortSignal) => runStatement(client, sql, progress, signal);
    if (statements.length === 1) return (await runOne(statements[0]!)) ? 0 : 1;
    return runSqlPrompt({ run: runOne, interactive: process.stdin.isTTY === true, historyFile: c.sqlHistoryFile });
  },
};

/** Runs one statement, writes its result to stdout (or its error to stderr); true when it succeeded. */
async function runStatement(client: SqlClientOptions, sql: string, progress: boolean, signal?: AbortSignal): Promise<boolean> {
  const started = performance.now();
  // \x1b[K clears what a longer line before left.
  const tick = progress ? (s: number, p?: SqlProgress) => process.stderr.write(`\r${describeProgress(s, p)}\x1b[K`) : undefined;
  let answer;
  try {
    answer = await sendSql(client, sql, tick, signal);
  } catch (e) {
    if (progress) process.stderr.write('\r\x1b[K');
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    process.stderr.write(`cannot reach the SQL endpoint at ${client.url}${cause ? ` (${cause})` : ''}: is \`mcpg up\` running, or MCPG_SQL_URL set?\n`);
    return false;
  }
  if (progress) process.stderr.write('\r\x1b[K');
  if (!answer.ok) {
    process.stderr.write(answer.body.length > 0 ? answer.body : `HTTP ${answer.status}\n`);
    return false;
  }
  process.stdout.write(answer.body);
  if (progress) process.stderr.write(`${describeSummary(answer, (performance.now() - started) / 1000)}\n`);
  return true;
}
