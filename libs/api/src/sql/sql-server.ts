// The analyst SQL endpoint: ClickHouse's HTTP interface, for reads, on a port
// of its own, in front of the embedded engine (see @mcpg/store's
// analyst-sql.ts for what a query may do). Plain node:http rather than
// fastify: the body is SQL in whatever content type a client sends, the
// answer is in a ClickHouse format, and errors are ClickHouse's text form
// (`Code: N. DB::Exception: …` with the X-ClickHouse-Exception-Code header),
// so there is no JSON schema to validate and no JSON error to map.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AnalystSqlError, CLICKHOUSE_CODES, newAnalystTag, type AnalystSql } from '@mcpg/store';
import { ALL_ORGS, hasRole, type ApiKey } from '../auth/api-key.ts';
import { createKeyring } from '../auth/keyring.ts';
import type { ApiMetrics } from '../observability/api-metrics.ts';
import { readSqlRequest, type SqlRequest } from './sql-request.ts';
import { contentTypeOf } from './sql-formats.ts';

export interface SqlServerOptions {
  readonly analyst: AnalystSql;
  /** No keys: auth is off and every query reads every org (as the API itself then is open). */
  readonly apiKeys: readonly ApiKey[];
  readonly metrics: ApiMetrics;
  /** Queries one key may have running at once. */
  readonly maxConcurrentPerKey: number;
  /** Longest query text accepted, bytes (ClickHouse's max_query_size is 256 KiB). */
  readonly maxQueryBytes?: number;
  readonly log?: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

export interface SqlServer {
  readonly server: Server;
  listen(host: string, port: number): Promise<AddressInfo>;
  close(): Promise<void>;
}

const ANONYMOUS = 'default';

export function createSqlServer(o: SqlServerOptions): SqlServer {
  const keyring = createKeyring(o.apiKeys);
  const running = new Map<string, number>();
  // `${key}\n${query_id}` → the engine tag of that key's running query, for
  // GET /progress: a key sees the progress of its own queries only.
  const tags = new Map<string, string>();
  const maxQueryBytes = o.maxQueryBytes ?? 262_144;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/ping' || (url.pathname === '/' && req.method === 'GET' && !url.searchParams.has('query'))) {
      res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' }).end('Ok.\n');
      return;
    }
    if (url.pathname === '/progress' && req.method === 'GET') {
      await progress(readSqlRequest(req, url, ''), url, res);
      return;
    }
    if (url.pathname !== '/') {
      fail(res, 404, new AnalystSqlError(1000, 'NOT_FOUND', `no handler for ${url.pathname}: use / (queries), /progress or /ping`));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.writeHead(405, { allow: 'GET, POST' }).end();
      return;
    }
    const body = await readBody(req, maxQueryBytes);
    if (body === undefined) {
      fail(res, 413, new AnalystSqlError(CLICKHOUSE_CODES.SYNTAX_ERROR, 'SYNTAX_ERROR', `Max query size exceeded (${maxQueryBytes} bytes)`));
      return;
    }
    const r = readSqlRequest(req, url, body);
    const key = admit(r, res);
    if (key === undefined) return;
    const name = key === 'open' ? ANONYMOUS : key.id;
    if (r.database !== undefined && r.database !== o.analyst.database) {
      fail(res, 404, new AnalystSqlError(CLICKHOUSE_CODES.UNKNOWN_DATABASE, 'UNKNOWN_DATABASE', `Database ${r.database} does not exist here; the mcpg tables are in ${o.analyst.database}`));
      return;
    }
    const count = running.get(name) ?? 0;
    if (count >= o.maxConcurrentPerKey) {
      o.metrics.sqlQueries.inc({ key: name, outcome: 'refused' });
      fail(res, 429, new AnalystSqlError(CLICKHOUSE_CODES.TOO_MANY_SIMULTANEOUS_QUERIES, 'TOO_MANY_SIMULTANEOUS_QUERIES', `Too many simultaneous queries for ${name}. Maximum: ${o.maxConcurrentPerKey}`));
      return;
    }
    running.set(name, count + 1);
    const queryId = r.queryId ?? randomUUID();
    const tag = newAnalystTag();
    const slot = `${name}\n${queryId}`;
    tags.set(slot, tag);
    const started = performance.now();
    // A client that goes away (closes the socket before the answer) has its
    // query stopped in the engine; the key's slot frees when the engine has.
    const left = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) left.abort();
    };
    res.on('close', onClose);
    try {
      const orgs = key === 'open' || key.orgs.includes(ALL_ORGS) ? ('*' as const) : key.orgs;
      const result = await o.analyst.run({ sql: r.sql, params: r.params, settings: r.settings, defaultFormat: r.defaultFormat ?? 'TabSeparated', orgs, tag }, left.signal);
      const seconds = (performance.now() - started) / 1000;
      o.metrics.sqlQueries.inc({ key: name, outcome: 'ok' });
      o.metrics.sqlQueryDuration.observe({ key: name, outcome: 'ok' }, seconds);
      o.log?.info({ key: name, queryId, ms: Math.round(seconds * 1000), rowsRead: result.rowsRead, bytesRead: result.bytesRead, resultBytes: result.body.byteLength }, 'analyst query');
      res.writeHead(200, {
        'content-type': contentTypeOf(result.format),
        'x-clickhouse-format': result.format,
        'x-clickhouse-query-id': queryId,
        'x-clickhouse-timezone': 'UTC',
        'x-clickhouse-server-display-name': 'mcpg',
        'x-clickhouse-summary': JSON.stringify({
          read_rows: String(result.rowsRead),
          read_bytes: String(result.bytesRead),
          written_rows: '0',
          written_bytes: '0',
          total_rows_to_read: '0',
          result_rows: '0',
          result_bytes: String(result.body.byteLength),
          elapsed_ns: String(Math.round(result.elapsedMs * 1e6)),
        }),
      });
      res.end(result.body);
    } catch (err) {
      const e = err instanceof AnalystSqlError ? err : new AnalystSqlError(1001, 'STD_EXCEPTION', 'internal error');
      const seconds = (performance.now() - started) / 1000;
      const outcome = left.signal.aborted ? 'cancelled' : 'error';
      o.metrics.sqlQueries.inc({ key: name, outcome });
      o.metrics.sqlQueryDuration.observe({ key: name, outcome }, seconds);
      const what = outcome === 'cancelled' ? 'analyst query stopped: the client closed the connection' : 'analyst query refused or failed';
      o.log?.warn({ key: name, queryId, ms: Math.round(seconds * 1000), code: e.exceptionCode, exception: e.exceptionName }, what);
      fail(res, statusOf(e.exceptionName), e, { 'x-clickhouse-query-id': queryId });
    } finally {
      if (tags.get(slot) === tag) tags.delete(slot);
      res.off('close', onClose);
      const others = (running.get(name) ?? 1) - 1;
      if (others === 0) running.delete(name);
      else running.set(name, others);
    }
  }

  /** The request's key ('open' when auth is off), or undefined once a 401/403 is sent. */
  function admit(r: SqlRequest, res: ServerResponse): ApiKey | 'open' | undefined {
    const key = authenticate(r.user, r.password);
    if (key === undefined) {
      fail(res, 401, new AnalystSqlError(CLICKHOUSE_CODES.AUTHENTICATION_FAILED, 'AUTHENTICATION_FAILED', `${r.user ?? ANONYMOUS}: Authentication failed: password is incorrect, or there is no user with such name`), {
        'www-authenticate': 'Basic realm="mcpg sql"',
      });
      return undefined;
    }
    if (key !== 'open' && !hasRole(key, 'sql')) {
      fail(res, 403, new AnalystSqlError(CLICKHOUSE_CODES.ACCESS_DENIED, 'ACCESS_DENIED', `${key.id}: Not enough privileges. The key needs the sql role`));
      return undefined;
    }
    return key;
  }

  /**
   * GET /progress?query_id=…: how far the key's running query with that id
   * has got, as JSON with the fields of X-ClickHouse-Progress. An answer
   * comes in one piece here (node:http sends headers once), so a client that
   * wants progress asks for it beside the query, as `mcpg sql` does.
   */
  async function progress(r: SqlRequest, url: URL, res: ServerResponse): Promise<void> {
    const key = admit(r, res);
    if (key === undefined) return;
    const queryId = url.searchParams.get('query_id');
    if (!queryId) {
      fail(res, 400, new AnalystSqlError(CLICKHOUSE_CODES.SYNTAX_ERROR, 'SYNTAX_ERROR', 'query_id is required: the id the query was sent with'));
      return;
    }
    const name = key === 'open' ? ANONYMOUS : key.id;
    const tag = tags.get(`${name}\n${queryId}`);
    if (tag === undefined) {
      fail(res, 404, new AnalystSqlError(1000, 'NOT_FOUND', `no running query ${JSON.stringify(queryId)} of ${name}`));
      return;
    }
    const p = await o.analyst.progress(tag);
    res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'x-clickhouse-server-display-name': 'mcpg' });
    res.end(
      JSON.stringify({
        query_id: queryId,
        // false while the query waits for the engine (bound queries run one at a time).
        started: p !== undefined,
        read_rows: String(p?.readRows ?? 0),
        read_bytes: String(p?.readBytes ?? 0),
        total_rows_to_read: String(p?.totalRowsToRead ?? 0),
        elapsed_ns: String(Math.round((p?.elapsedMs ?? 0) * 1e6)),
      }),
    );
  }

  /** 'open' when auth is off; undefined when the credentials match no key (or the user name is not the key's). */
  function authenticate(user: string | undefined, password: string | undefined): ApiKey | 'open' | undefined {
    if (o.apiKeys.length === 0) return 'open';
    if (!password) return undefined;
    const key = keyring.authenticate(password);
    if (key === undefined) return undefined;
    if (user !== undefined && user !== '' && user !== ANONYMOUS && user !== key.id) return undefined;
    return key;
  }

  function fail(res: ServerResponse, status: number, e: AnalystSqlError, extra: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    res.writeHead(status, {
      'content-type': 'text/plain; charset=UTF-8',
      'x-clickhouse-exception-code': String(e.exceptionCode),
      'x-clickhouse-server-display-name': 'mcpg',
      ...extra,
    });
    res.end(e.toClickHouseText(o.analyst.version));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      o.log?.warn({ err: String(err) }, 'analyst SQL request failed');
      fail(res, 500, new AnalystSqlError(1001, 'STD_EXCEPTION', 'internal error'));
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 30_000;

  return {
    server,
    listen(host, port) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

/** HTTP statuses as a ClickHouse server gives them for these exceptions. */
function statusOf(name: string): number {
  switch (name) {
    case 'SYNTAX_ERROR':
    case 'UNKNOWN_QUERY_PARAMETER':
    case 'BAD_QUERY_PARAMETER':
    case 'CANNOT_PARSE_INPUT_ASSERTION_FAILED':
    case 'UNKNOWN_FORMAT':
    case 'UNKNOWN_IDENTIFIER':
    case 'TYPE_MISMATCH':
    case 'ILLEGAL_TYPE_OF_ARGUMENT':
      return 400;
    case 'READONLY':
    case 'ACCESS_DENIED':
    case 'QUERY_IS_PROHIBITED':
      return 403;
    case 'UNKNOWN_TABLE':
    case 'UNKNOWN_DATABASE':
      return 404;
    case 'TOO_MANY_SIMULTANEOUS_QUERIES':
      return 429;
    default:
      return 500;
  }
}

async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
