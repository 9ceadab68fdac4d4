// Writes a flush's dead letters so that none of them can stop the worker: a
// copy the broker refuses as too large is tried once more on its own (it may
// have been refused with others in one request), and if refused again is
// replaced by a reference (dead-letter.ts). Any other failure is the sink's
// to retry or give up on, as before.
import type { BusProducer, IncomingMessage, OutgoingMessage } from './bus-port.ts';
import { deadLetter, deadLetterReference, type DeadLetterCause } from './dead-letter.ts';
import { withRetry, type RetryPolicy } from './retry.ts';

export interface DeadLetterEntry {
  readonly source: IncomingMessage;
  readonly cause: DeadLetterCause;
}

export interface DeadLetterWriter {
  readonly producer: BusProducer;
  readonly topic: string;
  readonly retry: RetryPolicy;
  readonly onRetry: (e: unknown, attempt: number) => void;
  /** A copy was refused as too large and its reference was written instead. */
  readonly onReference: (entry: DeadLetterEntry, refused: unknown) => void;
}

/** The bus's code for a message or batch over the broker's limit (message.max.bytes). */
export const isTooLarge = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'MESSAGE_TOO_LARGE';

/** Resolves with how many were written as references. */
export async function writeDeadLetters(w: DeadLetterWriter, entries: readonly DeadLetterEntry[]): Promise<number> {
  const send = (letter: OutgoingMessage) => withRetry(w.retry, () => w.producer.send(w.topic, [letter]), w.onRetry);
  const copies = entries.map((e) => deadLetter(e.source, e.cause));
  // One send per letter: the producer still gathers them into few requests,
  // but a refusal comes back for the letters it concerns, not for all.
  const results = await Promise.allSettled(copies.map(send));
  let references = 0;
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    if (result.status === 'fulfilled') continue;
    if (!isTooLarge(result.reason)) throw result.reason;
    // Refused with others in one request, or on its own: alone, once more, tells.
    try {
      await send(copies[i]!);
    } catch (e) {
      if (!isTooLarge(e)) throw e;
      await send(deadLetterReference(entries[i]!.source, entries[i]!.cause));
      references++;
      w.onReference(entries[i]!, e);
    }
  }
  return references;
}
