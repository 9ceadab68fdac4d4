// Test support for the analyst SQL endpoint: a migrated store with two orgs'
// traffic, the endpoint over it on a free loopback port, and three keys:
// `analyst` (every org, sql role), `acme-analyst` (org acme, sql role) and
// `viewer` (every org, metrics role only). Secrets are `<id>-secret`.
import type { AddressInfo } from 'node:net';
import { openAnalystSql, type AnalystLimits, type AnalystSql, type Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { createApiMetrics, type ApiMetrics } from '../observability/api-metrics.ts';
import { createSqlServer, type SqlServer } from '../sql/sql-server.ts';
import { testKey } from './api-test-app.ts';
import { seedTraffic } from './readme-sql.ts';

export interface SqlTestServer {
  readonly store: Store;
  readonly analyst: AnalystSql;
  readonly server: SqlServer;
  readonly metrics: ApiMetrics;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export const TEST_SQL_LIMITS: AnalystLimits = {
  maxExecutionSeconds: 3,
  maxRowsToRead: 1_000_000_000_000,
  maxBytesToRead: 1_000_000_000_000,
  maxResultRows: 1_000_000,
  maxResultBytes: 64 * 1024 * 1024,
  maxMemoryBytes: 256 * 1024 * 1024,
};

export const SQL_TEST_KEYS = [testKey('analyst', ['*'], ['sql']), testKey('acme-analyst', ['acme'], ['sql']), testKey('viewer', ['*'], ['metrics'])];

export async function startSqlTestServer(o: { limits?: AnalystLimits; maxConcurrentPerKey?: number } = {}): Promise<SqlTestServer> {
  const store = await createTestStore();
  await seedTraffic(store);
  const analyst = await openAnalystSql(store, o.limits ?? TEST_SQL_LIMITS);
  const metrics = createApiMetrics();
  const server = createSqlServer({ analyst, apiKeys: SQL_TEST_KEYS, metrics, maxConcurrentPerKey: o.maxConcurrentPerKey ?? 2 });
  const address: AddressInfo = await server.listen('127.0.0.1', 0);
  return {
    store,
    analyst,
    server,
    metrics,
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await server.close();
      await analyst.close();
      await store.close();
    },
  };
}
