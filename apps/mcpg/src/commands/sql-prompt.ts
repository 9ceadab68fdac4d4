// The interactive side of `mcpg sql`: a prompt with history (kept in a file
// between sessions) when stdin is a terminal, or the statements of a pipe.
// A statement ends with `;` at the end of a line, as in clickhouse-client;
// Ctrl-C cancels the statement being typed (or the running query), Ctrl-D
// leaves.
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface PromptOptions {
  run(sql: string, signal?: AbortSignal): Promise<boolean>;
  readonly interactive: boolean;
  /** '' for ~/.mcpg_sql_history. */
  readonly historyFile: string;
}

const HISTORY_SIZE = 1000;

export async function runSqlPrompt(o: PromptOptions): Promise<number> {
  const historyFile = o.historyFile || join(homedir(), '.mcpg_sql_history');
  const history = o.interactive ? readHistory(historyFile) : [];
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: o.interactive, history, historySize: HISTORY_SIZE, removeHistoryDuplicates: true });
  let buffer: string[] = [];
  let failed = false;
  let running: AbortController | undefined;
  const prompt = () => {
    if (!o.interactive) return;
    rl.setPrompt(buffer.length === 0 ? 'mcpg sql :) ' : '          :-] ');
    rl.prompt();
  };
  rl.on('SIGINT', () => {
    if (running) running.abort();
    else {
      buffer = [];
      process.stdout.write('\n');
      prompt();
    }
  });
  prompt();
  for await (const line of rl) {
    buffer.push(line);
    if (!line.trimEnd().endsWith(';')) {
      prompt();
      continue;
    }
    const sql = buffer.join('\n');
    buffer = [];
    if (o.interactive) appendFileSync(historyFile, `${sql.replace(/\n/g, ' ')}\n`, { mode: 0o600 });
    running = new AbortController();
    const ok = await o.run(sql, running.signal).catch(() => false);
    running = undefined;
    if (!ok) failed = true;
    prompt();
  }
  const rest = buffer.join('\n').trim();
  if (rest !== '' && !(await o.run(rest))) failed = true;
  if (o.interactive) process.stdout.write('\n');
  // Interactive: an error was shown and the session went on; a pipe fails as a whole.
  return failed && !o.interactive ? 1 : 0;
}

function readHistory(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}
