// BusProducer over a kafkajs producer: linger batching in front, topic
// existence checked before a message is queued.
//
// Why check topics: with auto-creation off, kafkajs treats an unknown topic as
// retriable metadata lag and the idempotent producer retries it for as long as
// its policy allows (forever by default); one such message merged into a
// shared batch would also fail every other caller's messages in it.

import kafkajs from 'kafkajs';
import type { IHeaders, ProducerBatch, RecordMetadata } from 'kafkajs';
import { BusError } from '../errors.ts';
import type { BusProducer, OutgoingMessage } from '../port.ts';
import type { KafkaCompression } from './kafka-options.ts';
import { LingerBatcher, type TopicBatch } from './linger-batcher.ts';
import { startSendSpans } from './producer-spans.ts';

const { CompressionTypes } = kafkajs;

/** The slice of a kafkajs Producer this adapter uses (tests pass a fake). */
export interface SendBatchClient {
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
  disconnect(): Promise<void>;
}

export interface KafkaProducerDeps {
  readonly topicExists: (topic: string) => Promise<boolean>;
  readonly toError: (error: unknown, action: string) => BusError;
  readonly compression: KafkaCompression;
  readonly lingerMs: number;
  readonly maxBatchBytes: number;
}

export function createKafkaProducer(client: SendBatchClient, deps: KafkaProducerDeps): BusProducer {
  const compression = deps.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const known = new Map<string, Promise<void>>();
  let closed = false;

  const flush = async (batch: readonly TopicBatch[]): Promise<void> => {
    try {
      await client.sendBatch({
        acks: -1,
        compression,
        topicMessages: batch.map(({ topic, messages }) => ({
          topic,
          // kafkajs writes Buffers as they are and a header list as the name repeated.
          messages: messages.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } as IHeaders })),
        })),
      });
    } catch (error) {
      throw deps.toError(error, `sending to ${batch.map((b) => b.topic).join(', ')}`);
    }
  };
  const batcher = new LingerBatcher(flush, { lingerMs: deps.lingerMs, maxBatchBytes: deps.maxBatchBytes });

  /** Remembers topics that exist; a missing one is asked about again next time (it may be created). */
  const checkTopic = (topic: string): Promise<void> => {
    let check = known.get(topic);
    if (!check) {
      check = deps.topicExists(topic).then(
        (exists) => {
          if (!exists) {
            known.delete(topic);
            throw new BusError('TOPIC_NOT_FOUND', `Topic ${topic} does not exist (create it with ensureTopics; auto-creation is off)`);
          }
        },
        (error: unknown) => {
          known.delete(topic);
          throw deps.toError(error, `looking up topic ${topic}`);
        },
      );
      known.set(topic, check);
    }
    return check;
  };

  return {
    async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
      if (closed) throw new BusError('CLOSED', 'Producer is closed');
      if (messages.length === 0) return;
      await checkTopic(topic);
      if (closed) throw new BusError('CLOSED', 'Producer was closed while this send waited');
      const traced = startSendSpans(topic, messages);
      try {
        await batcher.send(topic, traced.messages);
      } catch (error) {
        traced.end(error);
        throw error;
      }
      traced.end();
    },

    /** Sends what is still gathered, then disconnects. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await batcher.flush();
      await client.disconnect();
    },
  };
}
