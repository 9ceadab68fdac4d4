// Test helpers for code that uses the bus (`@mcpg/bus/testing`): unique names,
// collecting messages, a broker for integration tests, a zero-delay retry policy.

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BusConsumer, IncomingMessage, MessageBatch } from './port.ts';
import type { RetryPolicy } from './kafka/kafka-options.ts';
import { startLocalBroker } from './kafka/local-broker.ts';

/** Retries a few times without waiting: tests pass this instead of production code checking NODE_ENV. */
export const FAST_RETRY: RetryPolicy = { retries: 3, initialRetryTime: 50, maxRetryTime: 200, factor: 0, multiplier: 1 };

/** Topic and group names that never collide between tests, runs or processes sharing a broker. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Starts the consumer and resolves with the first `count` messages (in delivery order). */
export async function collect(
  consumer: BusConsumer,
  count: number,
  options: { timeoutMs?: number; onBatch?: (batch: MessageBatch) => Promise<void> } = {},
): Promise<IncomingMessage[]> {
  const seen: IncomingMessage[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.start(async (batch) => {
    seen.push(...batch.messages);
    await options.onBatch?.(batch);
    if (seen.length >= count) done();
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`collect: got ${seen.length} of ${count} messages in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([finished, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return seen.slice(0, count);
}

/** A port in [from, to] that nothing listens on now (with the next one free too, for the controller). */
export async function freePortPair(from: number, to: number): Promise<number> {
  for (let port = from; port < to; port++) {
    if ((await isFree(port)) && (await isFree(port + 1))) return port;
  }
  throw new Error(`No two free consecutive ports in ${from}-${to} on 127.0.0.1`);
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export interface TestBroker {
  readonly brokers: string[];
  stop(): Promise<void>;
}

/**
 * The broker integration tests run against: the one named in `configured`
 * (the caller passes MCPG_TEST_KAFKA_BROKERS), else a fresh local broker on a
 * free port in [fromPort, toPort] with a throwaway data directory.
 */
export async function useTestBroker(configured: string | undefined, fromPort = 19092, toPort = 19099): Promise<TestBroker> {
  if (configured) return { brokers: configured.split(','), stop: async () => undefined };
  const dataDir = await mkdtemp(join(tmpdir(), 'mcpg-bus-test-'));
  const port = await freePortPair(fromPort, toPort);
  const broker = await startLocalBroker({ port, dataDir, heapMb: 384 });
  return {
    brokers: broker.brokers,
    async stop() {
      await broker.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
