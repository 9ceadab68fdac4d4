// The bus a gateway produces to, from its `kafka` settings. With no brokers
// configured there is no Kafka at all: every event waits in the spool.
import { readFileSync } from 'node:fs';
import { BusError, createKafkaBus, type KafkaSasl, type KafkaTls } from '@mcpg/bus';
import type { Bus } from '@mcpg/pipeline';
import type { Logger } from '@mcpg/telemetry';
import { GatewayError } from './errors.ts';
import type { GatewayConfig } from './config/gateway-config.ts';

/** How long events wait to share a produce request (see openGatewayBus). */
const GATEWAY_LINGER_MS = 25;

export function openGatewayBus(kafka: GatewayConfig['kafka'], log: Logger): Bus {
  if (kafka.brokers.length === 0) return offlineBus();
  return createKafkaBus({
    brokers: [...kafka.brokers],
    clientId: kafka.clientId,
    log,
    // Fail a send within about sendTimeoutMs instead of kafkajs' minute of retries: the outbox retries it anyway.
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: Math.max(200, Math.floor(kafka.sendTimeoutMs / 2)) },
    // Events gather this long into one produce request. At a few hundred calls/s the bus's 5 ms made a
    // request per call or two, and kafkajs' work per request (encoding, CRC, the socket write, the
    // answer) was 14-20% of the gateway's busy time per call; no tool call waits on it.
    lingerMs: GATEWAY_LINGER_MS,
    connectionTimeoutMs: Math.min(3_000, kafka.sendTimeoutMs),
    requestTimeoutMs: Math.max(kafka.sendTimeoutMs, 1_000),
    tls: kafkaTls(kafka),
    sasl: kafkaSasl(kafka),
  });
}

/** A file the configuration names, or a GatewayError naming the setting. */
function readSettingFile(setting: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new GatewayError('INVALID_CONFIG', `${setting}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

function kafkaTls(kafka: GatewayConfig['kafka']): KafkaTls | undefined {
  const t = kafka.tls;
  if (!t) return undefined;
  const pem = (setting: string, path: string) => (path ? readSettingFile(`kafka.tls.${setting}`, path) : undefined);
  return { ca: pem('caFile', t.caFile), cert: pem('certFile', t.certFile), key: pem('keyFile', t.keyFile) };
}

function kafkaSasl(kafka: GatewayConfig['kafka']): KafkaSasl | undefined {
  const s = kafka.sasl;
  if (!s) return undefined;
  const password = readSettingFile('kafka.sasl.passwordFile', s.passwordFile).replace(/\r?\n$/, '');
  return { mechanism: s.mechanism, username: s.username, password };
}

function offlineBus(): Bus {
  const offline = () => Promise.reject(new BusError('BROKER_UNREACHABLE', 'no Kafka brokers configured (kafka.brokers is empty): events stay in the spool'));
  return { ensureTopics: offline, endOffsets: offline, producer: offline, consumer: offline, close: async () => undefined };
}
