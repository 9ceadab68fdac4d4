// Sends one statement to the analyst SQL endpoint (ClickHouse's HTTP
// interface) and gives back the body or the server's exception, with the
// summary the endpoint puts in X-ClickHouse-Summary. While the answer is
// pending, `onTick` is called every 100 ms with the seconds elapsed (the
// endpoint answers in one piece, so elapsed time is the progress there is).
export interface SqlAnswer {
  readonly ok: boolean;
  readonly status: number;
  readonly body: Buffer;
  readonly exceptionCode?: string;
  readonly summary?: { read_rows?: string; read_bytes?: string; elapsed_ns?: string };
}

export interface SqlClientOptions {
  readonly url: string;
  readonly user: string;
  readonly key: string;
  readonly format: string;
  readonly settings?: Readonly<Record<string, string>>;
}

export async function sendSql(o: SqlClientOptions, sql: string, onTick?: (seconds: number) => void, signal?: AbortSignal): Promise<SqlAnswer> {
  const url = new URL(o.url);
  url.searchParams.set('default_format', o.format);
  for (const [k, v] of Object.entries(o.settings ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=UTF-8' };
  if (o.key !== '') headers.authorization = `Basic ${Buffer.from(`${o.user || 'default'}:${o.key}`).toString('base64')}`;
  const started = performance.now();
  const timer = onTick ? setInterval(() => onTick((performance.now() - started) / 1000), 100) : undefined;
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
  }
}

/** "12 rows read, 3.1 MB, in 0.42 s" from an answer's summary. */
export function describeSummary(a: SqlAnswer, seconds: number): string {
  const rows = Number(a.summary?.read_rows ?? 0);
  const bytes = Number(a.summary?.read_bytes ?? 0);
  return `${rows.toLocaleString('en-US')} rows read (${(bytes / 1e6).toFixed(2)} MB) in ${seconds.toFixed(3)} s`;
}
