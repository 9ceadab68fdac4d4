// Dead letters: a message that cannot be decoded or stored is forwarded to the
// dead-letter topic with headers saying why and where it came from. Nothing is
// dropped silently and the worker never stalls on it.
//
// The copy is byte for byte the message as the log holds it (key, value and
// header bytes, a null value as null), plus the mcpg-dlq-* headers. A message
// near the broker's size limit can be readable in its topic yet too large to
// copy once those headers are added: then a reference goes out instead, the
// same headers with the value's size and SHA-256, no value and none of the
// message's own headers. A truncated copy was the other choice; it was not
// taken because a cut Avro body decodes to nothing, and a short copy that looks
// whole is worse than an honest pointer. The message itself stays readable at
// its source topic, partition and offset for as long as that topic keeps it.
import { createHash } from 'node:crypto';
import type { HeaderValue, IncomingMessage, OutgoingMessage } from './bus-port.ts';

export const DLQ_HEADERS = {
  reason: 'mcpg-dlq-reason',
  code: 'mcpg-dlq-code',
  topic: 'mcpg-dlq-source-topic',
  partition: 'mcpg-dlq-source-partition',
  offset: 'mcpg-dlq-source-offset',
  consumer: 'mcpg-dlq-consumer',
  /** `reference` on a dead letter that does not carry the message (absent on a whole copy). */
  form: 'mcpg-dlq-form',
  /** On a reference: the value's length in bytes (`null` for a null value). */
  size: 'mcpg-dlq-source-size',
  /** On a reference: SHA-256 of the value bytes, hex. */
  sha256: 'mcpg-dlq-source-sha256',
} as const;

/** Longest reason kept in a header: enough to act on, bounded against abuse. */
const MAX_REASON = 1000;
/** A reference keeps the key (it partitions the dead-letter topic by org) only up to this size. */
const MAX_REFERENCE_KEY = 1024;

export interface DeadLetterCause {
  readonly code: string;
  readonly reason: string;
  /** The sink that gave up on the message. */
  readonly consumer: string;
}

function whyAndWhere(msg: IncomingMessage, cause: DeadLetterCause): Record<string, string> {
  return {
    [DLQ_HEADERS.reason]: cause.reason.slice(0, MAX_REASON),
    [DLQ_HEADERS.code]: cause.code,
    [DLQ_HEADERS.topic]: msg.topic,
    [DLQ_HEADERS.partition]: String(msg.partition),
    [DLQ_HEADERS.offset]: msg.offset,
    [DLQ_HEADERS.consumer]: cause.consumer,
  };
}

/** The whole message, byte for byte, with why and where. */
export function deadLetter(msg: IncomingMessage, cause: DeadLetterCause): OutgoingMessage {
  const headers: Record<string, HeaderValue | readonly HeaderValue[]> = {};
  // Its own mcpg-dlq-* headers (a dead letter read back and failed again) give way to this one's.
  for (const [name, values] of Object.entries(msg.raw.headers)) if (!name.startsWith('mcpg-dlq-')) headers[name] = values;
  return { key: msg.raw.key, value: msg.raw.value, headers: { ...headers, ...whyAndWhere(msg, cause) } };
}

/** Why and where, and which value it was (size and hash), without the message. */
export function deadLetterReference(msg: IncomingMessage, cause: DeadLetterCause): OutgoingMessage {
  const { key, value } = msg.raw;
  return {
    key: key !== null && key.length <= MAX_REFERENCE_KEY ? key : null,
    value: null,
    headers: {
      ...whyAndWhere(msg, cause),
      [DLQ_HEADERS.form]: 'reference',
      [DLQ_HEADERS.size]: value === null ? 'null' : String(value.length),
      [DLQ_HEADERS.sha256]: createHash('sha256')
        .update(value ?? Buffer.alloc(0))
        .digest('hex'),
    },
  };
}
