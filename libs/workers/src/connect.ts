// Builds the bus and the store from configuration, the same way for every
// app, so a setting means one thing everywhere.
import { createKafkaBus, createMemoryBus, type KafkaSasl, type KafkaTls, type SaslMechanism } from '@mcpg/bus';
import { readFileSync } from 'node:fs';
import type { Bus } from '@mcpg/pipeline';
import { createStore, migrate, type Store } from '@mcpg/store';
import { join, resolve } from 'node:path';

export interface BusConfig {
  readonly bus: 'kafka' | 'memory';
  readonly kafkaBrokers: readonly string[];
  readonly kafkaClientId: string;
  readonly kafkaSessionTimeoutMs: number;
  readonly partitions: number;
  readonly kafkaReplicationFactor: number;
  readonly kafkaTls: boolean;
  readonly kafkaTlsCaFile: string;
  readonly kafkaTlsCertFile: string;
  readonly kafkaTlsKeyFile: string;
  readonly kafkaSaslMechanism: 'none' | SaslMechanism;
  readonly kafkaSaslUsername: string;
  readonly kafkaSaslPassword: string;
}

export interface StoreConfig {
  readonly clickhouseUrl: string;
  readonly clickhouseDatabase: string;
  /** Empty: one server (or the embedded engine). */
  readonly clickhouseCluster?: string;
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
    replicationFactor: c.kafkaReplicationFactor,
    tls: kafkaTls(c),
    sasl: kafkaSasl(c),
    log,
  });
}

function pemFile(setting: string, path: string): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${setting}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
  }
}

function kafkaTls(c: BusConfig): KafkaTls | undefined {
  const files = c.kafkaTlsCaFile || c.kafkaTlsCertFile || c.kafkaTlsKeyFile;
  if (!c.kafkaTls && !files) return undefined;
  if (!c.kafkaTls) throw new Error('MCPG_KAFKA_TLS_CA_FILE, _CERT_FILE and _KEY_FILE need MCPG_KAFKA_TLS=true');
  return {
    ca: pemFile('MCPG_KAFKA_TLS_CA_FILE', c.kafkaTlsCaFile),
    cert: pemFile('MCPG_KAFKA_TLS_CERT_FILE', c.kafkaTlsCertFile),
    key: pemFile('MCPG_KAFKA_TLS_KEY_FILE', c.kafkaTlsKeyFile),
  };
}

function kafkaSasl(c: BusConfig): KafkaSasl | undefined {
  if (c.kafkaSaslMechanism === 'none') return undefined;
  if (!c.kafkaSaslUsername || !c.kafkaSaslPassword) {
    throw new Error(`MCPG_KAFKA_SASL_MECHANISM=${c.kafkaSaslMechanism} needs MCPG_KAFKA_SASL_USERNAME and MCPG_KAFKA_SASL_PASSWORD`);
  }
  return { mechanism: c.kafkaSaslMechanism, username: c.kafkaSaslUsername, password: c.kafkaSaslPassword };
}

/** Opens the store (embedded engine under dataDir, or a server) and applies migrations. */
export async function openStore(c: StoreConfig): Promise<Store> {
  const cluster = c.clickhouseCluster ?? '';
  if (cluster !== '' && !c.clickhouseUrl) throw new Error('MCPG_CLICKHOUSE_CLUSTER needs MCPG_CLICKHOUSE_URL: the embedded engine is one node');
  const store = await (c.clickhouseUrl
    ? createStore({
        kind: 'server',
        url: c.clickhouseUrl,
        database: c.clickhouseDatabase,
        username: c.clickhouseUser,
        password: c.clickhousePassword,
        ...(cluster === '' ? {} : { cluster }),
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
