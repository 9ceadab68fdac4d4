// Opens the analyst engine over a store and serves it on `listen` (host:port).
// One call for both apps that serve it (query-api and `mcpg up`).
import { openAnalystSql, type AnalystLimits, type Store } from '@mcpg/store';
import type { ApiKey } from '../auth/api-key.ts';
import type { ApiMetrics } from '../observability/api-metrics.ts';
import { createSqlServer, type SqlServerOptions } from './sql-server.ts';

export interface SqlEndpointOptions {
  readonly store: Store;
  readonly apiKeys: readonly ApiKey[];
  readonly metrics: ApiMetrics;
  /** host:port (port 0: any free one). */
  readonly listen: string;
  readonly limits: AnalystLimits;
  readonly maxConcurrentPerKey: number;
  readonly log?: SqlServerOptions['log'];
}

export interface SqlEndpoint {
  /** e.g. http://127.0.0.1:8124 */
  readonly url: string;
  readonly database: string;
  close(): Promise<void>;
}

export async function startSqlEndpoint(o: SqlEndpointOptions): Promise<SqlEndpoint> {
  const colon = o.listen.lastIndexOf(':');
  const host = o.listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const port = Number(o.listen.slice(colon + 1));
  const analyst = await openAnalystSql(o.store, o.limits);
  const server = createSqlServer({ analyst, apiKeys: o.apiKeys, metrics: o.metrics, maxConcurrentPerKey: o.maxConcurrentPerKey, ...(o.log ? { log: o.log } : {}) });
  try {
    const address = await server.listen(host, port);
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
      url: `http://${shown}:${address.port}`,
      database: analyst.database,
      async close() {
        await server.close();
        await analyst.close();
      },
    };
  } catch (err) {
    await analyst.close();
    throw err;
  }
}

/** The limits as the config names them. */
export function sqlLimits(c: {
  sqlMaxExecutionSeconds: number;
  sqlMaxRowsToRead: number;
  sqlMaxBytesToRead: number;
  sqlMaxResultRows: number;
  sqlMaxResultBytes: number;
  sqlMaxMemoryBytes: number;
}): AnalystLimits {
  return {
    maxExecutionSeconds: c.sqlMaxExecutionSeconds,
    maxRowsToRead: c.sqlMaxRowsToRead,
    maxBytesToRead: c.sqlMaxBytesToRead,
    maxResultRows: c.sqlMaxResultRows,
    maxResultBytes: c.sqlMaxResultBytes,
    maxMemoryBytes: c.sqlMaxMemoryBytes,
  };
}
