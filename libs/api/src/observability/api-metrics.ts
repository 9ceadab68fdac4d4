// The query API's own metrics (served at /api/v1/metrics), in a registry of
// their own: one per API instance, so tests and several instances in one
// process never share counters.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface ApiMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly activeConnections: Gauge;
  readonly storeQueryDuration: Histogram<'operation' | 'outcome'>;
  /** Analyst SQL queries by key name (never the secret) and outcome (ok, error, refused: over the key's concurrency, cancelled: the client left and the engine stopped it). */
  readonly sqlQueries: Counter<'key' | 'outcome'>;
  readonly sqlQueryDuration: Histogram<'key' | 'outcome'>;
  /** Payload view attempts refused before any payload was read: no valid key, or over the key's view rate. */
  readonly payloadViewRefusals: Counter<'reason'>;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving a request to sending its response',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    activeConnections: new Gauge({
      name: 'http_active_connections',
      help: 'Open TCP connections to the API',
      registers: [registry],
    }),
    storeQueryDuration: new Histogram({
      name: 'clickhouse_query_duration_seconds',
      help: 'ClickHouse calls made by the API (query, exec: until the result stream is open; command, insert: until done)',
      labelNames: ['operation', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    sqlQueries: new Counter({
      name: 'mcpg_sql_queries_total',
      help: 'Queries on the analyst SQL endpoint, by API key name and outcome',
      labelNames: ['key', 'outcome'],
      registers: [registry],
    }),
    sqlQueryDuration: new Histogram({
      name: 'mcpg_sql_query_duration_seconds',
      help: 'Time an analyst SQL query took, checks and engine, by API key name and outcome',
      labelNames: ['key', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
      registers: [registry],
    }),
    payloadViewRefusals: new Counter({
      name: 'mcpg_payload_view_refusals_total',
      help: 'Payload view attempts refused before any payload was read, by reason (unauthenticated: no valid API key; rate_limited: over the key views per minute); the org ledger holds at most one of them a minute per org (unauthenticated) or per key and org (rate_limited)',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}
