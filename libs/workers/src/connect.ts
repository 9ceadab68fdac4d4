// Builds the bus and the store from configuration, the same way for every
// app, so a setting means one thing everywhere.
import { createKafkaBus, createMemoryBus } from '@mcpg/bus';
import type { Bus } from '@mcpg/pipeline';
import { createStore, migrate, type Store } from '@mcpg/store';
import { join, resolve } from 'node:path';

export interface BusConfig {
  readonly bus: 'kafka' | 'memory';
  readonly kafkaBrokers: readonly string[];
  readonly kafkaClientId: string;
  readonly kafkaSessionTimeoutMs: number;
  readonly partitions: number;
}

export interface StoreConfig {
  readonly clickhouseUrl: string;
  readonly clickhouseDatabase: string;
  readonly clickhouseUser: string;
  readonly clickhousePassword: string;
  readonly dataDir: string;
}

export interface ConnectLog {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export function openBus(c: BusConfig, log: ConnectLog, clientSuffix: string): Bus {
  if (c.bus === 'memory') return createMemoryBus({ defaultPartitions: c.partitions });
  return createKafkaBus({
    brokers: [...c.kafkaBrokers],
    clientId: `${c.kafkaClientId}-${clientSuffix}`,
    consumer: { sessionTimeoutMs: c.kafkaSessionTimeoutMs, heartbeatIntervalMs: Math.floor(c.kafkaSessionTimeoutMs / 10) },
    log,
  });
}

/** Opens the store (embedded engine under dataDir, or a server) and applies migrations. */
export async function openStore(c: StoreConfig): Promise<Store> {
  const store = await (c.clickhouseUrl
    ? createStore({
        kind: 'server',
        url: c.clickhouseUrl,
        database: c.clickhouseDatabase,
        username: c.clickhouseUser,
        password: c.clickhousePassword,
      })
    : createStore({ kind: 'embedded', dataDir: embeddedDir(c.dataDir), database: c.clickhouseDatabase }));
  await migrate(store);
  return store;
}

export function embeddedDir(dataDir: string): string {
  return join(resolve(dataDir), 'clickhouse');
}

export function kafkaDir(dataDir: string): string {
  return join(resolve(dataDir), 'kafka');
}
