// Dead letters: a message that cannot be decoded or stored is forwarded,
// bytes untouched, to the dead-letter topic with headers saying why and where
// it came from. Nothing is dropped silently and the worker never stalls on it.
import type { IncomingMessage, OutgoingMessage } from './bus-port.ts';

export const DLQ_HEADERS = {
  reason: 'mcpg-dlq-reason',
  code: 'mcpg-dlq-code',
  topic: 'mcpg-dlq-source-topic',
  partition: 'mcpg-dlq-source-partition',
  offset: 'mcpg-dlq-source-offset',
  consumer: 'mcpg-dlq-consumer',
} as const;

/** Longest reason kept in a header: enough to act on, bounded against abuse. */
const MAX_REASON = 1000;

export function deadLetter(msg: IncomingMessage, code: string, reason: string, consumer: string): OutgoingMessage {
  return {
    key: msg.key,
    value: msg.value,
    headers: {
      ...msg.headers,
      [DLQ_HEADERS.reason]: reason.slice(0, MAX_REASON),
      [DLQ_HEADERS.code]: code,
      [DLQ_HEADERS.topic]: msg.topic,
      [DLQ_HEADERS.partition]: String(msg.partition),
      [DLQ_HEADERS.offset]: msg.offset,
      [DLQ_HEADERS.consumer]: consumer,
    },
  };
}
