// Gathers send() calls into few produce requests. kafkajs has no linger.ms:
// each send() is its own request. Here calls arriving within `lingerMs`, or
// until `maxBatchBytes` is reached, become one flush; each caller's promise
// settles with the answer for the flush that carried its messages.
//
// One flush is in flight at a time (the idempotent producer runs with
// maxInFlightRequests 1 anyway, and a retried request overtaking a later one
// would reorder a partition). Sends that arrive meanwhile wait and go together
// in the next flush, so batches grow with load instead of requests queuing.

import type { HeaderValue, OutgoingMessage } from '../port.ts';

export interface TopicBatch {
  readonly topic: string;
  readonly messages: OutgoingMessage[];
}

export type FlushFn = (batch: readonly TopicBatch[]) => Promise<void>;

export interface LingerOptions {
  readonly lingerMs: number;
  readonly maxBatchBytes: number;
}

interface Pending {
  readonly topic: string;
  readonly messages: readonly OutgoingMessage[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** What a message costs on the wire, roughly: record overhead plus its bytes. */
export function messageBytes(message: OutgoingMessage): number {
  let bytes = 24 + (message.value?.length ?? 0) + (message.key === null ? 0 : Buffer.byteLength(message.key));
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const one of Array.isArray(value) ? (value as readonly HeaderValue[]) : [value as HeaderValue]) {
      bytes += 4 + Buffer.byteLength(name) + Buffer.byteLength(one);
    }
  }
  return bytes;
}

export class LingerBatcher {
  private pending: Pending[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;

  constructor(
    private readonly flushFn: FlushFn,
    private readonly options: LingerOptions,
  ) {}

  /** Large sends are cut into chunks of at most maxBatchBytes; the promise covers them all. */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    const chunks: Promise<void>[] = [];
    let chunk: OutgoingMessage[] = [];
    let chunkBytes = 0;
    for (const message of messages) {
      const bytes = messageBytes(message);
      if (chunk.length > 0 && chunkBytes + bytes > this.options.maxBatchBytes) {
        chunks.push(this.enqueue(topic, chunk, chunkBytes));
        chunk = [];
        chunkBytes = 0;
      }
      chunk.push(message);
      chunkBytes += bytes;
    }
    if (chunk.length > 0) chunks.push(this.enqueue(topic, chunk, chunkBytes));
    return Promise.all(chunks).then(() => undefined);
  }

  /** Sends what is gathered now and resolves once everything sent so far is answered. */
  async flush(): Promise<void> {
    this.startDrain();
    while (this.draining) await this.draining;
  }

  private enqueue(topic: string, messages: readonly OutgoingMessage[], bytes: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ topic, messages, bytes, resolve, reject });
      this.pendingBytes += bytes;
      if (this.draining) return; // picked up when the flush in flight returns
      if (this.pendingBytes >= this.options.maxBatchBytes) this.startDrain();
      else this.timer ??= setTimeout(() => this.startDrain(), this.options.lingerMs);
    });
  }

  private startDrain(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.draining || this.pending.length === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = null;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const taken = this.take();
      try {
        await this.flushFn(merge(taken));
        for (const p of taken) p.resolve();
      } catch (error) {
        for (const p of taken) p.reject(error);
      }
    }
  }

  /** Whole pending sends, oldest first, up to maxBatchBytes (always at least one). */
  private take(): Pending[] {
    let bytes = 0;
    let count = 0;
    for (const p of this.pending) {
      if (count > 0 && bytes + p.bytes > this.options.maxBatchBytes) break;
      bytes += p.bytes;
      count++;
    }
    const taken = this.pending.splice(0, count);
    this.pendingBytes -= bytes;
    return taken;
  }
}

/** One entry per topic, messages in the order they were sent (kafkajs keeps that order per partition). */
function merge(pending: readonly Pending[]): TopicBatch[] {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const p of pending) {
    const list = byTopic.get(p.topic);
    if (list) list.push(...p.messages);
    else byTopic.set(p.topic, [...p.messages]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
