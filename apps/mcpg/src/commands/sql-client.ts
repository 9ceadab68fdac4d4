// Sends one statement to the analyst SQL endpoint (ClickHouse's HTTP
// interface) and gives back the body or the server's exception, with the
// summary the endpoint puts in X-ClickHouse-Summary. While the answer is
// pending, `onTick` is called every 100 ms with the seconds elapsed and the
// latest progress: the endpoint answers in one piece, so the client sends
// the query with an id of its own and asks GET /progress for that id beside
// it, every PROGRESS_POLL_MS.
import { randomUUID } from 'node:crypto';

export interface SqlAnswer {
  readonly ok: boolean;
  readonly status: number;
  readonly body: Buffer;
  readonly exceptionCode?: string;
  readonly summary?: { read_rows?: string; read_bytes?: string; elapsed_ns?: string };
}

/** Rows read so far, and the engine's estimate of all the query reads (0: none). */
export interface SqlProgress {
  readonly readRows: number;
  readonly totalRowsToRead: number;
}

const PROGRESS_POLL_MS = 500;

export interface SqlClientOptions {
  readonly url: string;
  readonly user: string;
  readonly key: string;
  readonly format: string;
  readonly settings?: Readonly<Record<string, string>>;
}

export async function sendSql(o: SqlClientOptions, sql: string, onTick?: (seconds: number, progress?: SqlProgress) => void, signal?: AbortSignal): Promise<SqlAnswer> {
  const url = new URL(o.url);
  const queryId = randomUUID();
  url.searchParams.set('default_format', o.format);
  url.searchParams.set('query_id', queryId);
  for (const [k, v] of Object.entries(o.settings ?? {})) url.searchParams.set(k, v);
  const auth: Record<string, string> = o.key !== '' ? { authorization: `Basic ${Buffer.from(`${o.user || 'default'}:${o.key}`).toString('base64')}` } : {};
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=UTF-8', ...auth };
  const started = performance.now();
  let latest: SqlProgress | undefined;
  const timer = onTick ? setInterval(() => onTick((performance.now() - started) / 1000, latest), 100) : undefined;
  const poller = onTick ? pollProgress(new URL(`/progress?query_id=${queryId}`, url), auth, (p) => (latest = p)) : undefined;
  try {
    const res = await fetch(url, { method: 'POST', body: sql, headers, ...(signal ? { signal } : {}) });
    const body = Buffer.from(await res.arrayBuffer());
    const code = res.headers.get('x-clickhouse-exception-code') ?? undefined;
    const summary = res.headers.get('x-clickhouse-summary');
    return {
      ok: res.ok && code === undefined,
      status: res.status,
      body,
      ...(code ? { exceptionCode: code } : {}),
      ...(summary ? { summary: JSON.parse(summary) as SqlAnswer['summary'] } : {}),
    };
  } finally {
    if (timer) clearInterval(timer);
    poller?.stop();
  }
}

/** Asks for the query's progress every PROGRESS_POLL_MS until stopped; a failed ask is skipped (progress is a courtesy). */
function pollProgress(url: URL, headers: Record<string, string>, onProgress: (p: SqlProgress) => void): { stop(): void } {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, PROGRESS_POLL_MS));
      if (stopped) return;
      try {
        const res = await fetch(url, { headers });
        if (!res.ok) continue;
        const p = (await res.json()) as { read_rows?: string; total_rows_to_read?: string };
        if (!stopped) onProgress({ readRows: Number(p.read_rows ?? 0), totalRowsToRead: Number(p.total_rows_to_read ?? 0) });
      } catch {
        // The endpoint is busy or gone: the query's own answer says which.
      }
    }
  };
  void loop();
  return {
    stop() {
      stopped = true;
    },
  };
}

/** "⏳ 3.2 s, 1,234,567 of 3,000,000,000 rows (41%)" while a query runs. */
export function describeProgress(seconds: number, p: SqlProgress | undefined): string {
  const elapsed = `${seconds.toFixed(1)} s elapsed`;
  if (!p || p.readRows === 0) return `\u23f3 ${elapsed}`;
  const rows = p.readRows.toLocaleString('en-US');
  if (p.totalRowsToRead <= 0) return `\u23f3 ${elapsed}, ${rows} rows read`;
  const pct = Math.min(100, Math.floor((100 * p.readRows) / p.totalRowsToRead));
  return `\u23f3 ${elapsed}, ${rows} of ${p.totalRowsToRead.toLocaleString('en-US')} rows (${pct}%)`;
}

/** "12 rows read, 3.1 MB, in 0.42 s" from an answer's summary. */
export function describeSummary(a: SqlAnswer, seconds: number): string {
  const rows = Number(a.summary?.read_rows ?? 0);
  const bytes = Number(a.summary?.read_bytes ?? 0);
  return `${rows.toLocaleString('en-US')} rows read (${(bytes / 1e6).toFixed(2)} MB) in ${seconds.toFixed(3)} s`;
}
