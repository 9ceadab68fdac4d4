// The in-memory log: topics of partitions of messages, offsets are indexes.

import { BusError } from '../errors.ts';
import { partitionForKey } from '../partitioner.ts';
import type { IncomingMessage, OutgoingMessage } from '../port.ts';
import { incoming, rawRecordOf } from '../raw-record.ts';
import { Signal } from './signal.ts';

export class MemoryLog {
  private readonly topics = new Map<string, IncomingMessage[][]>();
  /** Null keys go round-robin, as they do with kafkajs' partitioner. */
  private readonly roundRobin = new Map<string, number>();
  readonly changed = new Signal();

  /** False if the topic existed already (its partition count is left alone, as Kafka does). */
  create(name: string, partitions: number): boolean {
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new BusError('INVALID_REQUEST', `Topic ${name}: partitions must be a positive integer, got ${partitions}`);
    }
    if (this.topics.has(name)) return false;
    this.topics.set(name, Array.from({ length: partitions }, () => []));
    return true;
  }

  partitionCount(topic: string): number | undefined {
    return this.topics.get(topic)?.length;
  }

  /** All or nothing: a missing topic rejects before anything is appended. */
  append(topic: string, messages: readonly OutgoingMessage[]): void {
    const partitions = this.topics.get(topic);
    if (!partitions) throw new BusError('TOPIC_NOT_FOUND', `Topic ${topic} does not exist (create it with ensureTopics)`);
    const timestamp = Date.now();
    for (const message of messages) {
      const raw = rawRecordOf(message);
      const partition = this.partitionFor(topic, raw.key, partitions.length);
      const log = partitions[partition]!;
      log.push(incoming({ topic, partition, offset: String(log.length), timestamp }, raw));
    }
    this.changed.notify();
  }

  read(topic: string, partition: number, from: number, max: number): readonly IncomingMessage[] {
    return this.log(topic, partition).slice(from, from + max);
  }

  end(topic: string, partition: number): number {
    return this.log(topic, partition).length;
  }

  private log(topic: string, partition: number): IncomingMessage[] {
    const log = this.topics.get(topic)?.[partition];
    if (!log) throw new BusError('TOPIC_NOT_FOUND', `Topic ${topic} partition ${partition} does not exist`);
    return log;
  }

  private partitionFor(topic: string, key: Buffer | null, partitions: number): number {
    if (key !== null) return partitionForKey(key, partitions);
    const next = (this.roundRobin.get(topic) ?? -1) + 1;
    this.roundRobin.set(topic, next);
    return next % partitions;
  }
}
