// The in-memory bus: the same semantics as Kafka (key → partition, groups with
// committed offsets, redelivery after a consumer goes away), in one process.
// For unit tests and `mcpg up --bus memory`; nothing survives a restart.

import { BusError } from '../errors.ts';
import { toBusLog, type BusLog, type LevelLogger } from '../log.ts';
import type { Bus, BusConsumer, BusProducer, ConsumeOptions, OutgoingMessage, TopicSpec } from '../port.ts';
import { MemoryConsumer } from './memory-consumer.ts';
import { MemoryGroup } from './memory-group.ts';
import { MemoryLog } from './memory-log.ts';

export interface MemoryBusOptions {
  /** Partitions of a topic whose spec leaves them out. Default 3. */
  readonly defaultPartitions?: number;
  /** Most messages handed to one handler call. Default 500. */
  readonly maxBatchMessages?: number;
  readonly log?: BusLog | LevelLogger;
}

export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  const defaultPartitions = options.defaultPartitions ?? 3;
  const maxBatchMessages = options.maxBatchMessages ?? 500;
  const log = toBusLog(options.log);
  const memoryLog = new MemoryLog();
  const groups = new Map<string, MemoryGroup>();
  const open = new Set<{ close(): Promise<void> }>();
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new BusError('CLOSED', 'The in-memory bus is closed');
  };

  return {
    async ensureTopics(topics: readonly TopicSpec[]): Promise<void> {
      assertOpen();
      for (const topic of topics) memoryLog.create(topic.name, topic.partitions ?? defaultPartitions);
    },

    async endOffsets(topic: string): Promise<ReadonlyMap<number, string>> {
      assertOpen();
      const partitions = memoryLog.partitionCount(topic) ?? 0;
      return new Map(Array.from({ length: partitions }, (_, p) => [p, String(memoryLog.end(topic, p))]));
    },

    async producer(): Promise<BusProducer> {
      assertOpen();
      let producerClosed = false;
      const producer: BusProducer = {
        async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
          if (producerClosed) throw new BusError('CLOSED', 'Producer is closed');
          memoryLog.append(topic, messages);
        },
        async close(): Promise<void> {
          producerClosed = true;
          open.delete(producer);
        },
      };
      open.add(producer);
      return producer;
    },

    async consumer(consumeOptions: ConsumeOptions): Promise<BusConsumer> {
      assertOpen();
      let group = groups.get(consumeOptions.groupId);
      if (!group) {
        group = new MemoryGroup(memoryLog, maxBatchMessages);
        groups.set(consumeOptions.groupId, group);
      }
      const consumer = new MemoryConsumer(consumeOptions, group, memoryLog, log);
      const tracked = {
        close: async () => {
          open.delete(tracked);
          await consumer.close();
        },
      };
      open.add(tracked);
      return {
        start: (handler) => consumer.start(handler),
        commit: (positions) => consumer.commit(positions),
        close: () => tracked.close(),
      };
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await Promise.all([...open].map((c) => c.close()));
    },
  };
}
