// The Kafka adapter of the bus port, on kafkajs. Builds the client from the
// options (no singletons, no environment), connects lazily, and turns every
// kafkajs error into a BusError.

import kafkajs from 'kafkajs';
import type { Admin } from 'kafkajs';
import { BusError } from '../errors.ts';
import { toBusLog } from '../log.ts';
import type { Bus, BusConsumer, BusProducer, ConsumeOptions, TopicSpec } from '../port.ts';
import { toBusError } from './kafka-errors.ts';
import { KAFKAJS_LEVEL, kafkajsLogCreator } from './kafka-logger.ts';
import { KafkaBusConsumer } from './kafka-consumer.ts';
import type { KafkaBusOptions, RetryPolicy } from './kafka-options.ts';
import { createKafkaProducer } from './kafka-producer.ts';
import { kafkaSecurity } from './kafka-security.ts';
import { guardRequestQueueTimer } from './request-queue-timer.ts';

const { Kafka, Partitioners } = kafkajs;

/** kafkajs' own defaults, written down so they are a visible policy. */
const DEFAULT_RETRY: RetryPolicy = { retries: 5, initialRetryTime: 300, maxRetryTime: 30_000, factor: 0.2, multiplier: 2 };

export function createKafkaBus(options: KafkaBusOptions): Bus {
  guardRequestQueueTimer();
  const brokers = [...options.brokers];
  const log = toBusLog(options.log);
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const toError = (error: unknown, action: string): BusError => toBusError(error, { brokers, action });
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers,
    retry,
    logLevel: KAFKAJS_LEVEL[options.logLevel ?? 'warn'],
    logCreator: kafkajsLogCreator(log),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    ...kafkaSecurity(options.tls, options.sasl),
  });
  const open = new Set<{ close(): Promise<void> }>();
  let admin: Promise<Admin> | null = null;
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new BusError('CLOSED', 'The Kafka bus is closed');
  };

  /** One admin client, connected on first use; a failed connect is retried on the next call. */
  const getAdmin = (): Promise<Admin> => {
    admin ??= (async () => {
      const client = kafka.admin({ retry });
      try {
        await client.connect();
        return client;
      } catch (error) {
        admin = null;
        throw toError(error, 'connecting the admin client');
      }
    })();
    return admin;
  };

  const listTopics = async (): Promise<Set<string>> => {
    const client = await getAdmin();
    try {
      return new Set(await client.listTopics());
    } catch (error) {
      throw toError(error, 'listing topics');
    }
  };

  const track = <T extends { close(): Promise<void> }>(resource: T): T => {
    const close = resource.close.bind(resource);
    const tracked = Object.assign(resource, {
      close: async () => {
        open.delete(tracked);
        await close();
      },
    });
    open.add(tracked);
    return tracked;
  };

  return {
    async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
      assertOpen();
      const existing = await listTopics();
      const missing = topics.filter((t) => !existing.has(t.name));
      if (missing.length === 0) return;
      const client = await getAdmin();
      try {
        // false (not an error) when another process created one meanwhile.
        await client.createTopics({
          waitForLeaders: true,
          topics: missing.map((t) => ({
            topic: t.name,
            numPartitions: t.partitions ?? options.defaultPartitions ?? 3,
            replicationFactor: options.replicationFactor ?? 1,
          })),
        });
      } catch (error) {
        throw toError(error, `creating topics ${missing.map((t) => t.name).join(', ')}`);
      }
    },

    async endOffsets(topic: string): Promise<ReadonlyMap<number, string>> {
      assertOpen();
      if (!(await listTopics()).has(topic)) return new Map();
      const client = await getAdmin();
      try {
        return new Map((await client.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
      } catch (error) {
        throw toError(error, `reading the end offsets of ${topic}`);
      }
    },

    async producer(): Promise<BusProducer> {
      assertOpen();
      const client = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        retry,
        allowAutoTopicCreation: false,
        // Explicit, so kafkajs does not warn; the Java-compatible murmur2 (see partitioner.ts).
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      try {
        await client.connect();
      } catch (error) {
        throw toError(error, 'connecting the producer');
      }
      return track(
        createKafkaProducer(client, {
          topicExists: async (topic) => (await listTopics()).has(topic),
          toError,
          compression: options.compression ?? 'none',
          lingerMs: options.lingerMs ?? 5,
          maxBatchBytes: options.maxBatchBytes ?? 1_000_000,
        }),
      );
    },

    async consumer(consumeOptions: ConsumeOptions): Promise<BusConsumer> {
      assertOpen();
      const tuning = options.consumer ?? {};
      const heartbeatIntervalMs = tuning.heartbeatIntervalMs ?? 3_000;
      const made: { consumer?: KafkaBusConsumer } = {};
      const client = kafka.consumer({
        groupId: consumeOptions.groupId,
        sessionTimeout: tuning.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: heartbeatIntervalMs,
        maxWaitTimeInMs: tuning.maxWaitMs ?? 500,
        maxBytesPerPartition: tuning.maxBytesPerPartition ?? 1_048_576,
        allowAutoTopicCreation: false,
        // kafkajs decides to restart a crashed consumer after its own
        // disconnect, then restarts on a timer: a close() in between would be
        // undone, and the restarted consumer would retry a gone broker for as
        // long as the process lives (it never exits). Once closing, no restart.
        retry: { ...retry, restartOnFailure: async () => made.consumer?.restartable ?? true },
      });
      made.consumer = new KafkaBusConsumer(client, consumeOptions, { log, toError, heartbeatIntervalMs });
      return track(made.consumer);
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...open].map((r) => r.close()));
      const client = admin ? await admin.catch(() => null) : null;
      await client?.disconnect();
    },
  };
}
