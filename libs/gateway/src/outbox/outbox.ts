// The outbox between tool calls and Kafka: never lose, never block.
//
// publish() is synchronous and never waits for Kafka. One drainer sends
// batches in order. Events go to a bounded memory queue while Kafka keeps up;
// when a send fails, takes longer than `sendTimeoutMs`, or the queue is full,
// the queue is moved to the disk spool and new events follow it there until
// the spool is drained, so order holds: the batch in flight is older than the
// spool, and the spool is older than the queue. A failed batch is retried with
// backoff, never skipped; only the spool's size cap drops events (counted).
import type { BusProducer, OutgoingMessage } from '@mcpg/pipeline';
import type { DiskSpool, TakenSegment } from './disk-spool.ts';
import type { OutboxRecord } from './outbox-record.ts';

export interface OutboxOptions {
  /** Connects (topics ensured) and returns a producer; called again after it fails. */
  readonly connect: () => Promise<BusProducer>;
  readonly spool: DiskSpool;
  readonly queueCapacity: number;
  readonly batchSize: number;
  readonly sendTimeoutMs: number;
  /** Backoff between attempts at a failed batch. */
  readonly retry: { readonly initialMs: number; readonly maxMs: number };
  readonly onSendError?: (error: unknown) => void;
}

export interface OutboxStats {
  readonly queued: number;
  readonly spooledRecords: number;
  readonly spoolBytes: number;
  readonly inFlight: number;
  readonly sent: number;
  readonly kafkaUp: boolean;
}

interface InFlight {
  readonly records: readonly OutboxRecord[];
  cursor: number;
  readonly segment: TakenSegment | null;
  /** Topics of the current chunk Kafka already has: a retry sends only the others (no duplicates). */
  readonly doneTopics: Set<string>;
}

export class Outbox {
  readonly #o: OutboxOptions;
  #queue: OutboxRecord[] = [];
  #inFlight: InFlight | null = null;
  #producer: BusProducer | null = null;
  /** Kafka failed or was slow: new events go to the spool until it has drained. */
  #degraded = false;
  #sent = 0;
  #stopping = false;
  #wake: (() => void) | null = null;
  #idleWaiters: Array<() => void> = [];
  #loop: Promise<void> | null = null;
  #backoffTimer: NodeJS.Timeout | null = null;

  constructor(options: OutboxOptions) {
    this.#o = options;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Takes the records in order; returns at once. */
  publish(records: readonly OutboxRecord[]): void {
    if (this.#stopping) {
      this.#o.spool.append(records);
      return;
    }
    if (this.#degraded || !this.#o.spool.isEmpty || this.#queue.length + records.length > this.#o.queueCapacity) {
      this.#spillQueue();
      this.#o.spool.append(records);
    } else {
      for (const r of records) this.#queue.push(r);
    }
    this.#wake?.();
  }

  stats(): OutboxStats {
    return {
      queued: this.#queue.length,
      spooledRecords: this.#o.spool.records,
      spoolBytes: this.#o.spool.bytes,
      inFlight: this.#inFlight ? this.#inFlight.records.length - this.#inFlight.cursor : 0,
      sent: this.#sent,
      kafkaUp: this.#producer !== null && !this.#degraded,
    };
  }

  /** Resolves once everything published so far is in Kafka (tests, and a graceful drain). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops sending. Whatever is still in memory (the batch in flight first,
   * then the queue) is written to the spool in order, for the next start.
   * `drainMs` > 0 first gives Kafka that long to take everything.
   */
  async stop(drainMs = 0): Promise<void> {
    if (drainMs > 0 && !this.#isIdle()) {
      await Promise.race([this.idle(), new Promise((r) => setTimeout(r, drainMs).unref())]);
    }
    this.#stopping = true;
    if (this.#backoffTimer) clearTimeout(this.#backoffTimer);
    this.#wake?.();
    await this.#loop;
    const left = this.#inFlight;
    this.#inFlight = null;
    if (left && left.cursor < left.records.length) {
      await this.#o.spool.putFront(left.records.slice(left.cursor));
      await left.segment?.release();
    }
    this.#o.spool.append(this.#queue);
    this.#queue = [];
    await this.#o.spool.close();
    await this.#producer?.close().catch(() => undefined);
    this.#producer = null;
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && this.#inFlight === null && this.#o.spool.isEmpty;
  }

  #spillQueue(): void {
    if (this.#queue.length === 0) return;
    const queued = this.#queue;
    this.#queue = [];
    this.#o.spool.append(queued);
  }

  async #run(): Promise<void> {
    let delay = this.#o.retry.initialMs;
    while (!this.#stopping) {
      if (!this.#inFlight) this.#inFlight = await this.#next();
      if (this.#stopping) break;
      if (!this.#inFlight) {
        // Records may have arrived while #next() waited for the spool: look again before sleeping.
        if (this.#queue.length > 0 || !this.#o.spool.isEmpty) continue;
        this.#degraded = false;
        for (const w of this.#idleWaiters.splice(0)) w();
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = null;
        continue;
      }
      const ok = await this.#sendSome(this.#inFlight);
      if (ok) {
        delay = this.#o.retry.initialMs;
        continue;
      }
      if (this.#stopping) break;
      await new Promise<void>((resolve) => {
        this.#backoffTimer = setTimeout(resolve, delay);
        this.#wake = resolve;
      });
      this.#wake = null;
      delay = Math.min(this.#o.retry.maxMs, Math.max(1, delay * 2));
    }
  }

  /** The spool's oldest segment while the spool has data, else a batch from the queue. */
  async #next(): Promise<InFlight | null> {
    if (!this.#o.spool.isEmpty) {
      const segment = await this.#o.spool.takeOldest();
      if (segment) return { records: segment.records, cursor: segment.sent, segment, doneTopics: new Set() };
    }
    if (this.#queue.length === 0) return null;
    return { records: this.#queue.splice(0, this.#o.batchSize), cursor: 0, segment: null, doneTopics: new Set() };
  }

  /** Sends the next chunk of the batch in flight; false when it has to be tried again. */
  async #sendSome(batch: InFlight): Promise<boolean> {
    const end = Math.min(batch.records.length, batch.cursor + this.#o.batchSize);
    const chunk = batch.records.slice(batch.cursor, end);
    const slow = setTimeout(() => this.#degrade(), this.#o.sendTimeoutMs);
    try {
      const producer = (this.#producer ??= await this.#o.connect());
      await sendByTopic(producer, chunk, batch.doneTopics);
    } catch (error) {
      // The producer stays: kafkajs reconnects by itself on the next send.
      this.#o.onSendError?.(error);
      this.#degrade();
      return false;
    } finally {
      clearTimeout(slow);
    }
    batch.cursor = end;
    batch.doneTopics.clear();
    this.#sent += chunk.length;
    if (batch.cursor >= batch.records.length) {
      this.#inFlight = null;
      await batch.segment?.release();
    } else await batch.segment?.markSent(batch.cursor);
    // Kafka took a batch and nothing older waits on disk: new events may use the memory queue again.
    if (this.#o.spool.isEmpty) this.#degraded = false;
    return true;
  }

  #degrade(): void {
    this.#degraded = true;
    this.#spillQueue();
  }
}

/** One send per topic not yet done, in record order within each; all must succeed. */
async function sendByTopic(producer: BusProducer, records: readonly OutboxRecord[], done: Set<string>): Promise<void> {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const r of records) {
    if (done.has(r.topic)) continue;
    let list = byTopic.get(r.topic);
    if (!list) byTopic.set(r.topic, (list = []));
    list.push({ key: r.key, value: r.value, headers: r.headers });
  }
  await Promise.all(
    [...byTopic].map(async ([topic, messages]) => {
      await producer.send(topic, messages);
      done.add(topic);
    }),
  );
}
