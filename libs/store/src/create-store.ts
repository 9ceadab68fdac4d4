// A store is a ClickHouse client bound to one database, on either engine:
// the embedded chdb session (tests, `mcpg up`) or a ClickHouse server.
// Repositories take a Store; apps build it once in main.ts and pass it in.
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Connection } from './connection.ts';
import { DatabaseScopedConnection } from './database-scoped-connection.ts';
import { acquireEmbeddedEngine } from './embedded-engine.ts';
import { StoreError, toStoreError } from './errors.ts';
import { traceClient } from './traced-client.ts';

export type StoreConfig =
  | { readonly kind: 'embedded'; readonly dataDir: string; readonly database: string }
  | {
      readonly kind: 'server';
      readonly url: string;
      readonly database: string;
      readonly username?: string;
      readonly password?: string;
      /** The cluster the tables live on (docs/scaling.md): mutations go ON CLUSTER to its `_local` tables (cluster-target.ts). */
      readonly cluster?: string;
    };

export interface Store {
  /** The client, already bound to `database`. Close the store, not the client. */
  readonly client: ClickHouseClient;
  readonly database: string;
  readonly kind: StoreConfig['kind'];
  /** Where the data lives, safe to log: the data directory or the URL without credentials. */
  readonly location: string;
  /** The ClickHouse cluster of the tables, if they are sharded (`mcpg migrate --cluster`); undefined on one node. */
  readonly cluster?: string;
  /** Resolves if ClickHouse answers `SELECT 1`; throws a StoreError otherwise. */
  ping(): Promise<void>;
  /** True once `close` was called: writers that go around the client check it. */
  readonly closed: boolean;
  /** Idempotent. */
  close(): Promise<void>;
}

/** Same rule as the MCPG_CLICKHOUSE_DATABASE setting; also what makes splicing it into DDL safe. */
const DATABASE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Connects, creates the database if missing, and returns a store bound to it. */
export async function createStore(config: StoreConfig): Promise<Store> {
  if (!DATABASE_NAME.test(config.database)) {
    throw new StoreError('INVALID_CONFIG', `invalid ClickHouse database name ${JSON.stringify(config.database)}`, false);
  }
  if (config.kind === 'server' && config.cluster !== undefined && !DATABASE_NAME.test(config.cluster)) {
    throw new StoreError('INVALID_CONFIG', `invalid ClickHouse cluster name ${JSON.stringify(config.cluster)}`, false);
  }
  return config.kind === 'embedded' ? createEmbeddedStore(config.dataDir, config.database) : createServerStore(config);
}

// Database names cannot be query parameters in DDL; the name was validated above.
const createDatabaseSql = (database: string) => `CREATE DATABASE IF NOT EXISTS \`${database}\``;

async function createEmbeddedStore(dataDir: string, database: string): Promise<Store> {
  const lease = acquireEmbeddedEngine(dataDir);
  try {
    await lease.connection.command({ query: createDatabaseSql(database) });
  } catch (err) {
    await lease.release();
    throw toStoreError(err, `creating database ${database} in ${lease.path}`);
  }
  const connection: Connection = new DatabaseScopedConnection(lease.connection, database, () => lease.release());
  const client = createClient({ connection, database });
  return makeStore(traceClient(client, { database }), database, 'embedded', lease.path);
}

async function createServerStore(config: Extract<StoreConfig, { kind: 'server' }>): Promise<Store> {
  const location = redactUrl(config.url);
  const auth = { username: config.username, password: config.password };
  // The database may not exist yet, and a client bound to a missing database
  // fails every request: create it through a client on the default database.
  // Its failures surface as the StoreError below; the client's own warning log would only repeat them.
  const bootstrap = createClient({ url: config.url, ...auth, log: { level: ClickHouseLogLevel.OFF } });
  try {
    const ping = await bootstrap.ping();
    if (!ping.success) {
      throw new StoreError('CLICKHOUSE_UNREACHABLE', `ClickHouse at ${location} is unreachable`, true, { cause: ping.error });
    }
    await bootstrap.command({ query: createDatabaseSql(config.database) });
  } catch (err) {
    throw toStoreError(err, `creating database ${config.database} at ${location}`);
  } finally {
    await bootstrap.close();
  }
  const client = createClient({ url: config.url, ...auth, database: config.database });
  return makeStore(traceClient(client, { database: config.database, url: location }), config.database, 'server', location, config.cluster);
}

function makeStore(client: ClickHouseClient, database: string, kind: Store['kind'], location: string, cluster?: string): Store {
  let closed = false;
  return {
    client,
    database,
    kind,
    location,
    ...(cluster === undefined ? {} : { cluster }),
    get closed() {
      return closed;
    },
    async ping() {
      if (closed) throw new StoreError('STORE_CLOSED', `the store for ${location} is closed`, false);
      // `select: true` runs SELECT 1 through the database binding, so a
      // missing database or bad credentials fail readiness too.
      const result = await client.ping({ select: true }).catch((err: unknown) => ({ success: false as const, error: err }));
      if (!result.success) throw toStoreError(result.error, `ping ClickHouse at ${location}`);
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new StoreError('INVALID_CONFIG', 'invalid ClickHouse URL (not a URL)', false, { cause: err });
  }
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  return parsed.toString();
}
