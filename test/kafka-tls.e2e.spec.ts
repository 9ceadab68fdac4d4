// Encrypted Kafka end to end: a real broker whose only client listener is TLS
// and requires a client certificate signed by its CA (as Strimzi's `tls`
// listeners with `authentication: tls` do). The gateway (kafka.tls in its
// configuration file) produces; a worker's bus (MCPG_KAFKA_TLS_* settings)
// consumes what it sent. A client that does not trust the broker's CA, or
// shows no certificate, gets nothing through, with TLS_FAILED (not retried as
// if the broker were down).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { makeTestCertificates, type TestCertificates } from './support/test-certificates.ts';

const run = randomBytes(4).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'mcpg-kafka-tls-'));
const retry = { retries: 1, initialRetryTime: 100, maxRetryTime: 300 };
let broker: LocalBroker;
let certs: TestCertificates;

const tlsEnv = (extra: Record<string, string>) => loadConfig(busSettings, { env: { MCPG_KAFKA_BROKERS: broker.brokers.join(','), MCPG_KAFKA_TLS: 'true', ...extra } });

describe('Kafka over TLS with client certificates', { timeout: 180_000 }, () => {
  before(async () => {
    mkdirSync(join(dir, 'certs'));
    certs = makeTestCertificates(join(dir, 'certs'));
    broker = await startLocalBroker({
      port: await freePortPair(19450, 19470),
      dataDir: join(dir, 'broker'),
      heapMb: 384,
      tls: { certPem: certs.serverCertPem, keyPem: certs.serverKeyPem, caPem: certs.caPem, requireClientCert: true },
    });
  });
  after(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the gateway produces with kafka.tls files; a worker bus from the MCPG_KAFKA_TLS_* settings consumes it', async () => {
    const topic = `tls-${run}`;
    const kafka = validateConfig({
      upstreams: [{ name: 'x', command: 'x' }],
      kafka: { brokers: broker.brokers, sendTimeoutMs: 5_000, tls: { caFile: certs.caFile, certFile: certs.clientCertFile, keyFile: certs.clientKeyFile } },
    }).kafka;
    const gateway = openGatewayBus(kafka, silentLogger);
    const worker = openBus(
      tlsEnv({ MCPG_KAFKA_TLS_CA_FILE: certs.caFile, MCPG_KAFKA_TLS_CERT_FILE: certs.clientCertFile, MCPG_KAFKA_TLS_KEY_FILE: certs.clientKeyFile }),
      silentLogger,
      'tls-test',
    );
    try {
      const seen = await sendAndReceive(gateway, worker, topic, `tls-${run}`, 'encrypted');
      assert.deepEqual(seen, ['encrypted']);
    } finally {
      await gateway.close();
      await worker.close();
    }
  });

  test("a client that does not trust the broker's CA gets nothing through", async () => {
    // System CAs only: the test CA is not among them.
    const bus = createKafkaBus({
      brokers: broker.brokers,
      clientId: 'tls-untrusted',
      retry,
      connectionTimeoutMs: 2_000,
      requestTimeoutMs: 3_000,
      tls: { cert: readFileSync(certs.clientCertFile, 'utf8'), key: readFileSync(certs.clientKeyFile, 'utf8') },
    });
    try {
      await assert.rejects(bus.ensureTopics([{ name: `untrusted-${run}`, partitions: 1 }]), (e: unknown) => {
        assert.ok(isBusError(e, 'TLS_FAILED'), String(e));
        assert.equal(e.retriable, false);
        assert.match(e.message, /unable to verify the first certificate/);
        return true;
      });
    } finally {
      await bus.close();
    }
  });

  test('a client without a certificate is refused by the broker', async () => {
    const bus = openBus(tlsEnv({ MCPG_KAFKA_TLS_CA_FILE: certs.caFile }), silentLogger, 'tls-anonymous');
    try {
      await assert.rejects(bus.ensureTopics([{ name: `anonymous-${run}`, partitions: 1 }]), (e: unknown) => {
        assert.ok(isBusError(e, 'TLS_FAILED'), String(e));
        assert.match(e.message, /bad certificate|certificate required/);
        return true;
      });
    } finally {
      await bus.close();
    }
  });

  test('a certificate without its key is refused before connecting, naming the setting', () => {
    assert.throws(() => openBus(tlsEnv({ MCPG_KAFKA_TLS_CERT_FILE: certs.clientCertFile }), silentLogger, 'x'), /certificate needs its key/);
    assert.throws(() => openBus(tlsEnv({ MCPG_KAFKA_TLS_CA_FILE: join(dir, 'missing.pem') }), silentLogger, 'x'), /MCPG_KAFKA_TLS_CA_FILE: cannot read .*missing\.pem \(ENOENT\)/);
  });
});
