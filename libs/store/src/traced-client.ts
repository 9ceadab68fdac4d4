// CLIENT spans for ClickHouse: every insert, query, command and exec of a
// store, on either engine (the one client both go through), named and
// attributed by the database semantic conventions (db.system.name
// clickhouse, db.operation.name, db.collection.name for inserts,
// db.namespace). No db.query.text: some statements carry literal values
// (rows spliced as literals), and values are data, not telemetry. A span is
// made only under a recording span (an HTTP route, a worker's write), so
// background queries add no root spans and cost one context lookup.
import type { ClickHouseClient } from '@clickhouse/client';
import { SpanKind, SpanStatusCode, context, trace, type Attributes } from '@opentelemetry/api';

const tracer = trace.getTracer('mcpg-store');
const TRACED = new Set<PropertyKey>(['query', 'command', 'insert', 'exec']);
const KEYWORD = /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*([A-Za-z]+)/;
const OPERATIONS = new Set(['SELECT', 'WITH', 'INSERT', 'CREATE', 'ALTER', 'DROP', 'OPTIMIZE', 'TRUNCATE', 'SYSTEM', 'SHOW', 'DESCRIBE', 'EXISTS', 'RENAME', 'DELETE', 'UPDATE', 'USE', 'KILL']);

export interface ClientTarget {
  readonly database: string;
  /** The server's URL (credentials already removed), or undefined for the embedded engine. */
  readonly url?: string;
}

// The table of an INSERT sent as a statement (the file and JSON-lines inserts
// of encoded-insert.ts): a checked identifier, not data.
const INSERT_TABLE = /^INSERT\s+INTO\s+(?:TABLE\s+)?([A-Za-z_][A-Za-z0-9_.]*)/i;

function operationOf(method: string, params: { query?: unknown; table?: unknown }): { operation: string; table?: string } {
  if (method === 'insert') return { operation: 'INSERT', ...(typeof params.table === 'string' ? { table: params.table } : {}) };
  const m = typeof params.query === 'string' ? KEYWORD.exec(params.query) : null;
  const word = m?.[1]?.toUpperCase();
  if (word === 'INSERT') {
    const table = INSERT_TABLE.exec((params.query as string).slice(m!.index + m![0].length - m![1]!.length))?.[1];
    return { operation: 'INSERT', ...(table ? { table } : {}) };
  }
  return { operation: word && OPERATIONS.has(word) ? (word === 'WITH' ? 'SELECT' : word) : 'QUERY' };
}

export function traceClient(client: ClickHouseClient, target: ClientTarget): ClickHouseClient {
  const base: Attributes = { 'db.system.name': 'clickhouse', 'db.namespace': target.database };
  if (target.url) {
    const u = new URL(target.url);
    base['server.address'] = u.hostname;
    base['server.port'] = Number(u.port || (u.protocol === 'https:' ? 8443 : 8123));
  }
  return new Proxy(client, {
    get(obj, prop, receiver) {
      const value: unknown = Reflect.get(obj, prop, receiver);
      if (!TRACED.has(prop) || typeof value !== 'function') return value;
      const method = String(prop);
      return (params: { query?: unknown; table?: unknown }, ...rest: unknown[]) => {
        const call = () => (value as (...a: unknown[]) => Promise<unknown>).call(obj, params, ...rest);
        if (!trace.getSpan(context.active())?.isRecording()) return call();
        const { operation, table } = operationOf(method, params ?? {});
        const span = tracer.startSpan(table ? `${operation} ${table}` : operation, {
          kind: SpanKind.CLIENT,
          attributes: { ...base, 'db.operation.name': operation, ...(table ? { 'db.collection.name': table } : {}) },
        });
        return call().then(
          (result) => {
            span.end();
            return result;
          },
          (err: unknown) => {
            span.setAttribute('error.type', (err as { code?: unknown })?.code ? String((err as { code: unknown }).code) : err instanceof Error ? err.name : 'error');
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.end();
            throw err;
          },
        );
      };
    },
  }) as ClickHouseClient;
}
