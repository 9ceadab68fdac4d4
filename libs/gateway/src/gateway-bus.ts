// The bus a gateway produces to, from its `kafka` settings. With no brokers
// configured there is no Kafka at all: every event waits in the spool.
import { BusError, createKafkaBus } from '@mcpg/bus';
import type { Bus } from '@mcpg/pipeline';
import type { Logger } from '@mcpg/telemetry';
import type { GatewayConfig } from './config/gateway-config.ts';

export function openGatewayBus(kafka: GatewayConfig['kafka'], log: Logger): Bus {
  if (kafka.brokers.length === 0) return offlineBus();
  return createKafkaBus({
    brokers: [...kafka.brokers],
    clientId: kafka.clientId,
    log,
    // Fail a send within about sendTimeoutMs instead of kafkajs' minute of retries: the outbox retries it anyway.
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: Math.max(200, Math.floor(kafka.sendTimeoutMs / 2)) },
    connectionTimeoutMs: Math.min(3_000, kafka.sendTimeoutMs),
    requestTimeoutMs: Math.max(kafka.sendTimeoutMs, 1_000),
  });
}

function offlineBus(): Bus {
  const offline = () => Promise.reject(new BusError('BROKER_UNREACHABLE', 'no Kafka brokers configured (kafka.brokers is empty): events stay in the spool'));
  return { ensureTopics: offline, producer: offline, consumer: offline, close: async () => undefined };
}
