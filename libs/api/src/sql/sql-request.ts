// Reads a request the way ClickHouse's HTTP interface does: the query from
// the `query` URL parameter and/or the body, `param_<name>` query parameters,
// `database`, `default_format` (or the X-ClickHouse-Format header), and every
// other URL parameter as a setting. Credentials come as ClickHouse clients
// send them: basic auth, X-ClickHouse-User / X-ClickHouse-Key headers, or
// `user` / `password` URL parameters.
import type { IncomingMessage } from 'node:http';

export interface SqlRequest {
  readonly sql: string;
  readonly params: Record<string, string>;
  readonly settings: Record<string, string>;
  readonly database?: string;
  readonly defaultFormat?: string;
  readonly user?: string;
  readonly password?: string;
  readonly queryId?: string;
}

const RESERVED = new Set(['query', 'database', 'default_format', 'user', 'password', 'query_id']);

export function readSqlRequest(req: IncomingMessage, url: URL, body: string): SqlRequest {
  const params: Record<string, string> = {};
  const settings: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name.startsWith('param_')) params[name.slice(6)] = value;
    else if (!RESERVED.has(name)) settings[name] = value;
  }
  const fromUrl = url.searchParams.get('query') ?? '';
  const sql = [fromUrl, body].filter((s) => s.trim() !== '').join('\n');
  const credentials = readCredentials(req, url);
  const database = header(req, 'x-clickhouse-database') ?? url.searchParams.get('database') ?? undefined;
  const defaultFormat = url.searchParams.get('default_format') ?? header(req, 'x-clickhouse-format') ?? undefined;
  const queryId = url.searchParams.get('query_id') ?? undefined;
  return {
    sql,
    params,
    settings,
    ...credentials,
    ...(database ? { database } : {}),
    ...(defaultFormat ? { defaultFormat } : {}),
    ...(queryId ? { queryId } : {}),
  };
}

function readCredentials(req: IncomingMessage, url: URL): { user?: string; password?: string } {
  const auth = req.headers.authorization;
  if (auth && /^basic /i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? { user: decoded } : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (auth && /^bearer /i.test(auth)) return { password: auth.slice(7).trim() };
  const user = header(req, 'x-clickhouse-user') ?? url.searchParams.get('user') ?? undefined;
  const password = header(req, 'x-clickhouse-key') ?? url.searchParams.get('password') ?? undefined;
  return { ...(user ? { user } : {}), ...(password ? { password } : {}) };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
