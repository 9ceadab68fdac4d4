// Authenticated Kafka end to end: a real broker whose only client listener
// requires SASL/PLAIN. The gateway (credentials from its configuration file,
// the password from a file) produces; a worker's bus (credentials from the
// MCPG_KAFKA_SASL_* settings) consumes what it sent. A wrong password is
// refused as NOT_AUTHORIZED, not retried as if the broker were down; no
// credentials get nothing through; an unreadable password file is named.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKafkaBus, isBusError, startLocalBroker, type LocalBroker } from '@mcpg/bus';
import { busSettings, loadConfig } from '@mcpg/config';
import { openGatewayBus, validateConfig } from '@mcpg/gateway';
import { silentLogger } from '@mcpg/telemetry';
import { openBus } from '@mcpg/workers';
import { freePortPair } from '@mcpg/bus/testing';
import { sendAndReceive } from './support/kafka-round-trip.ts';

const USER = 'gateway';
const PASSWORD = 'p@ss=w0rd!-1';
const run = randomBytes(4).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'mcpg-kafka-auth-'));
const retry = { retries: 2, initialRetryTime: 100, maxRetryTime: 500 };
let broker: LocalBroker;

const gatewayKafka = (passwordFile: string) =>
  validateConfig({ upstreams: [{ name: 'x', command: 'x' }], kafka: { brokers: broker.brokers, sendTimeoutMs: 3_000, sasl: { mechanism: 'plain', username: USER, passwordFile } } }).kafka;

describe('Kafka with SASL/PLAIN', { timeout: 180_000 }, () => {
  before(async () => {
    broker = await startLocalBroker({ port: await freePortPair(19420, 19440), dataDir: join(dir, 'broker'), heapMb: 384, saslPlainUsers: { [USER]: PASSWORD } });
  });
  after(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the gateway produces with its configured credentials; a worker bus from the settings consumes it', async () => {
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    const topic = `auth-${run}`;
    const gateway = openGatewayBus(gatewayKafka(passwordFile), silentLogger);
    const c = loadConfig(busSettings, {
      env: { MCPG_KAFKA_BROKERS: broker.brokers.join(','), MCPG_KAFKA_SASL_MECHANISM: 'plain', MCPG_KAFKA_SASL_USERNAME: USER, MCPG_KAFKA_SASL_PASSWORD: PASSWORD },
    });
    const worker = openBus(c, silentLogger, 'auth-test');
    try {
      const seen = await sendAndReceive(gateway, worker, topic, `auth-${run}`, 'authenticated');
      assert.deepEqual(seen, ['authenticated']);
    } finally {
      await gateway.close();
      await worker.close();
    }
  });

  test('a wrong password is NOT_AUTHORIZED and not retriable; the password is not in the message', async () => {
    const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'auth-bad', retry, sasl: { mechanism: 'plain', username: USER, password: 'not-the-password' } });
    try {
      await assert.rejects(bus.ensureTopics([{ name: `denied-${run}`, partitions: 1 }]), (e: unknown) => {
        assert.ok(isBusError(e, 'NOT_AUTHORIZED'), String(e));
        assert.equal(e.retriable, false);
        assert.doesNotMatch(e.message, /not-the-password/);
        return true;
      });
    } finally {
      await bus.close();
    }
  });

  test('no credentials: nothing gets through', async () => {
    const bus = createKafkaBus({ brokers: broker.brokers, clientId: 'auth-none', retry, connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 });
    try {
      await assert.rejects(bus.ensureTopics([{ name: `anon-${run}`, partitions: 1 }]), (e: unknown) => isBusError(e));
    } finally {
      await bus.close();
    }
  });

  test('settings that cannot work are refused before connecting, naming the setting', () => {
    assert.throws(() => openGatewayBus(gatewayKafka(join(dir, 'missing')), silentLogger), /kafka\.sasl\.passwordFile: cannot read .*missing \(ENOENT\)/);
    const noPassword = loadConfig(busSettings, { env: { MCPG_KAFKA_SASL_MECHANISM: 'scram-sha-512', MCPG_KAFKA_SASL_USERNAME: USER } });
    assert.throws(() => openBus(noPassword, silentLogger, 'x'), /MCPG_KAFKA_SASL_PASSWORD/);
    const filesWithoutTls = loadConfig(busSettings, { env: { MCPG_KAFKA_TLS_CA_FILE: '/ca.pem' } });
    assert.throws(() => openBus(filesWithoutTls, silentLogger, 'x'), /MCPG_KAFKA_TLS=true/);
  });
});
