// How far a running analyst query has got, from the engine's process list.
// chdb runs a query in one call that gives nothing back until it ends, but
// the process list is shared by every session of the process (as KILL QUERY
// uses it, analyst-sql.ts), and it counts the rows and bytes a running query
// has read against the rows it expects to read.
import { randomUUID } from 'node:crypto';
import { Session } from 'chdb';

/** The figures ClickHouse sends in X-ClickHouse-Progress, as numbers. */
export interface AnalystProgress {
  readonly readRows: number;
  readonly readBytes: number;
  /** The engine's estimate of the rows the query reads in all; 0 when it has none. */
  readonly totalRowsToRead: number;
  readonly elapsedMs: number;
}

const TAG = /^mcpg-analyst-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A tag for one analyst query, carried in its log_comment: KILL QUERY and progress select on it. */
export function newAnalystTag(): string {
  return `mcpg-analyst-${randomUUID()}`;
}

/** Only tags of ours reach SQL text (as a literal: see cancelTagged for why it is not bound). */
export function isAnalystTag(tag: string): boolean {
  return TAG.test(tag);
}

/** The query's progress; undefined while it is not in the process list (queued, or over). */
export async function readAnalystProgress(path: string, tag: string): Promise<AnalystProgress | undefined> {
  if (!isAnalystTag(tag)) throw new RangeError('not an analyst query tag');
  const session = new Session(path);
  try {
    const r = await session.queryAsync(
      `SELECT read_rows, read_bytes, total_rows_approx, elapsed FROM system.processes WHERE Settings['log_comment'] = '${tag}' LIMIT 1`,
      { format: 'TSVRaw' },
    );
    const line = r.text().trim();
    if (line === '') return undefined;
    const [rows, bytes, total, elapsed] = line.split('\t').map(Number);
    return { readRows: rows!, readBytes: bytes!, totalRowsToRead: total!, elapsedMs: elapsed! * 1000 };
  } finally {
    session.close();
  }
}
