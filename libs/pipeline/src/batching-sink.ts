// The worker loop shared by every fold: consume batches, decode each message
// into rows, buffer, write the buffer to the store by size or by time, and only
// then commit the offsets. A crash at any point re-delivers what was not
// committed; since every write is idempotent, nothing is lost and nothing is
// counted twice.
import type { BusConsumer, BusProducer, IncomingMessage, MessageBatch } from './bus-port.ts';
import { writeDeadLetters, type DeadLetterEntry } from './dead-letter-writer.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';
import { LagTracker } from './lag-tracker.ts';
import { MAX_LINKS, startBatchSpan, startWriteSpan } from './batch-span.ts';
import { ROOT_CONTEXT, SpanStatusCode, context, trace, type SpanContext } from '@opentelemetry/api';

export interface SinkLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Thrown by a decoder for a message that can never become rows. */
export interface DecodeFailure {
  readonly code: string;
  readonly message: string;
}

/** A message whose rows the sink's target refused for good, and why. */
export interface WriteRefusal {
  readonly source: IncomingMessage;
  readonly code: string;
  readonly reason: string;
}

export interface SinkOptions<Row> {
  /** Names this sink in dead-letter headers and logs. */
  readonly name: string;
  readonly consumer: BusConsumer;
  /** Producer for the dead-letter topic. */
  readonly producer: BusProducer;
  readonly deadLetterTopic: string;
  /** Turns one message into rows; throws (with a `code`) for a message that must be dead-lettered. */
  readonly decode: (msg: IncomingMessage) => Row[];
  /**
   * Stores rows. Must be idempotent: the same message may arrive again after
   * a crash. May return the messages whose rows the target refused for good
   * (the rest stored): they are dead-lettered and counted like messages that
   * cannot be decoded, and the sink moves on.
   */
  readonly write: (rows: Row[]) => Promise<void | readonly WriteRefusal[]>;
  /**
   * The offset to commit for a partition whose messages before `next` are all
   * stored. Default: `next`. A fold that must re-read part of the log after a
   * restart (to rebuild the state it writes) commits less.
   */
  readonly commitOffset?: (topic: string, partition: number, next: string) => string;
  readonly batchRows: number;
  readonly flushMs: number;
  readonly retry?: RetryPolicy;
  readonly log?: SinkLog;
  /**
   * Records the flush (positions, backlog, lag, dead letters) for pipeline
   * health. Runs after `write` and before the commit, retried like it.
   */
  readonly record?: (report: FlushReport) => Promise<void>;
  /** Called after each successful flush, e.g. for metrics. */
  readonly onFlush?: (stats: FlushStats) => void;
  /**
   * Called once when a flush fails for good (retries exhausted or a
   * non-retriable error). The sink stops taking batches; the process should
   * exit and restart, resuming from the last committed offsets.
   */
  readonly onFatal?: (e: unknown) => void;
}

export interface FlushReport {
  readonly consumer: string;
  /** Epoch ms when the rows were stored. */
  readonly storedAt: number;
  readonly partitions: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly committedOffset: string;
    readonly highWatermark: string;
    /** storedAt minus the produce time of the flush's oldest message of the partition. */
    readonly ingestLagMs: number;
  }[];
  readonly deadLetters: readonly {
    readonly topic: string;
    readonly partition: number;
    readonly offset: string;
    readonly code: string;
    readonly reason: string;
  }[];
}

export interface FlushStats {
  readonly rows: number;
  readonly messages: number;
  readonly deadLetters: number;
  /** Dead letters written as a reference because the copy was too large for the broker. */
  readonly deadLetterReferences: number;
  readonly writeMs: number;
}

export interface SinkTotals {
  messages: number;
  rows: number;
  deadLetters: number;
  /** Of deadLetters, those written as a reference (the copy was too large for the broker). */
  deadLetterReferences: number;
  flushes: number;
  commitFailures: number;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset to read. */
  offset: string;
  highWatermark: string;
  oldestTimestamp: number;
}

interface Pending<Row> {
  rows: Row[];
  messages: IncomingMessage[];
  deadLetters: DeadLetterEntry[];
  deadRecords: FlushReport['deadLetters'][number][];
  positions: Map<string, PartitionState>;
  /** Recorded process spans of the buffered batches (bounded), for the write span. */
  batchSpans: SpanContext[];
}

export class BatchingSink<Row> {
  readonly totals: SinkTotals = { messages: 0, rows: 0, deadLetters: 0, deadLetterReferences: 0, flushes: 0, commitFailures: 0 };
  /** Produce → stored lag of recent messages. */
  readonly lag = new LagTracker();
  private pending: Pending<Row> = empty();
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failed: unknown;
  private stopping = false;
  /** The write started by the last full buffer, still running. */
  private inFlight: Promise<void> = Promise.resolve();
  /** Flushes started and not yet settled. */
  private queued = 0;

  constructor(private readonly opts: SinkOptions<Row>) {}

  async start(): Promise<void> {
    this.timer = setInterval(() => {
      // Not while a flush runs or waits: a store that is down for minutes must
      // not gather one queued flush per tick.
      if (this.queued === 0 && (this.pending.messages.length || this.pending.deadLetters.length)) void this.flush().catch(() => undefined);
    }, this.opts.flushMs);
    this.timer.unref();
    await this.opts.consumer.start((batch) => this.onBatch(batch));
  }

  /**
   * Writes what is buffered and commits it, then closes the consumer. Batches
   * that arrive meanwhile are left unprocessed and uncommitted, so the next
   * consumer of the group gets them: commit needs an open consumer, so the
   * last flush must come before close.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.flush();
    await this.opts.consumer.close();
  }

  private async onBatch(batch: MessageBatch): Promise<void> {
    // A failed flush must stop consumption: returning normally would let the
    // bus move on past messages that were never stored.
    if (this.failed) throw this.failed;
    if (this.stopping) return;
    const span = startBatchSpan(this.opts.name, batch);
    const p = this.pending;
    for (const msg of batch.messages) {
      p.messages.push(msg);
      try {
        for (const row of this.opts.decode(msg)) p.rows.push(row);
      } catch (e) {
        const f = asFailure(e);
        this.toDeadLetters(p, msg, f.code, f.message);
      }
    }
    const last = batch.messages.at(-1);
    if (last) {
      const key = `${batch.topic}\u0000${batch.partition}`;
      let oldest = p.positions.get(key)?.oldestTimestamp ?? Infinity;
      for (const m of batch.messages) if (m.timestamp < oldest) oldest = m.timestamp;
      p.positions.set(key, {
        topic: batch.topic,
        partition: batch.partition,
        offset: (BigInt(last.offset) + 1n).toString(),
        highWatermark: batch.highWatermark,
        oldestTimestamp: oldest,
      });
    }
    if (span.isRecording() && p.batchSpans.length <= MAX_LINKS) p.batchSpans.push(span.spanContext());
    span.end();
    if (p.rows.length >= this.opts.batchRows) {
      // At most one write in flight: the next buffer fills (decoding on this
      // thread) while the store works on the last one, instead of the two
      // taking turns. Waiting for the previous write first is the backpressure.
      await this.inFlight;
      this.inFlight = this.flush();
      // A failure is kept in `failed` and surfaces at the next batch.
      this.inFlight.catch(() => undefined);
    }
  }

  private toDeadLetters(p: Pending<Row>, msg: IncomingMessage, code: string, reason: string): DeadLetterEntry {
    const entry = { source: msg, cause: { code, reason, consumer: this.opts.name } };
    p.deadLetters.push(entry);
    p.deadRecords.push({ topic: msg.topic, partition: msg.partition, offset: msg.offset, code, reason: reason.slice(0, MAX_RECORDED_REASON) });
    return entry;
  }

  private report(p: Pending<Row>): FlushReport {
    const storedAt = Date.now();
    return {
      consumer: this.opts.name,
      storedAt,
      partitions: [...p.positions.values()].map((x) => ({
        topic: x.topic,
        partition: x.partition,
        committedOffset: x.offset,
        highWatermark: x.highWatermark,
        ingestLagMs: Math.max(0, storedAt - x.oldestTimestamp),
      })),
      deadLetters: p.deadRecords,
    };
  }

  /** Serialised: a timer flush and a size flush never interleave. */
  flush(): Promise<void> {
    this.queued++;
    const run = this.flushing.then(() => this.flushNow()).finally(() => this.queued--);
    this.flushing = run.catch((e) => {
      if (!this.failed) this.opts.onFatal?.(e);
      this.failed = e;
    });
    return run;
  }

  private async flushNow(): Promise<void> {
    const p = this.pending;
    if (!p.messages.length) return;
    this.pending = empty();
    const retry = this.opts.retry ?? DEFAULT_RETRY;
    const onRetry = (e: unknown, attempt: number) =>
      this.opts.log?.warn({ err: String(e), attempt, sink: this.opts.name }, 'store write failed, retrying');
    const t0 = performance.now();
    let references = 0;
    const span = startWriteSpan(this.opts.name, p.rows.length, p.messages.length, p.batchSpans);
    try {
      // The store's spans (ClickHouse inserts) are children of the write span.
      await context.with(trace.setSpan(ROOT_CONTEXT, span), async () => {
        const writer = { producer: this.opts.producer, topic: this.opts.deadLetterTopic, retry, onRetry, onReference: this.onReference };
        references = await writeDeadLetters(writer, p.deadLetters);
        const refused = p.rows.length ? await withRetry(retry, () => this.opts.write(p.rows), onRetry) : undefined;
        if (refused?.length) {
          this.opts.log?.warn({ sink: this.opts.name, refused: refused.length, codes: [...new Set(refused.map((r) => r.code))] }, 'messages refused by the write: dead-lettered');
          references += await writeDeadLetters(
            writer,
            refused.map((r) => this.toDeadLetters(p, r.source, r.code, r.reason)),
          );
        }
        if (this.opts.record) {
          const report = this.report(p);
          await withRetry(retry, () => this.opts.record!(report), onRetry);
        }
      });
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : 'write failed' });
      throw e;
    } finally {
      span.end();
    }
    const writeMs = performance.now() - t0;
    this.lag.record(
      p.messages.map((m) => m.timestamp),
      Date.now(),
    );
    try {
      const commitOffset = this.opts.commitOffset ?? ((_t: string, _p: number, next: string) => next);
      await this.opts.consumer.commit(
        [...p.positions.values()].map(({ topic, partition, offset }) => ({ topic, partition, offset: commitOffset(topic, partition, offset) })),
      );
    } catch (e) {
      // Rows are stored; a lost commit (e.g. during a rebalance) only means
      // re-delivery, which idempotent writes absorb.
      this.totals.commitFailures++;
      this.opts.log?.warn({ err: String(e), sink: this.opts.name }, 'offset commit failed; messages will be re-delivered');
    }
    this.totals.messages += p.messages.length;
    this.totals.rows += p.rows.length;
    this.totals.deadLetters += p.deadLetters.length;
    this.totals.deadLetterReferences += references;
    this.totals.flushes++;
    this.opts.onFlush?.({ rows: p.rows.length, messages: p.messages.length, deadLetters: p.deadLetters.length, deadLetterReferences: references, writeMs });
  }

  private readonly onReference = ({ source, cause }: DeadLetterEntry, refused: unknown): void =>
    this.opts.log?.warn(
      { sink: this.opts.name, topic: source.topic, partition: source.partition, offset: source.offset, code: cause.code, size: source.raw.value?.length ?? 0, err: String(refused) },
      'dead letter too large for the broker: wrote a reference (reason, source position, size, SHA-256) instead of the copy',
    );
}

/** The reason as recorded for pipeline health, bounded like the dead letter's header. */
const MAX_RECORDED_REASON = 1000;

function empty<Row>(): Pending<Row> {
  return { rows: [], messages: [], deadLetters: [], deadRecords: [], positions: new Map(), batchSpans: [] };
}

function asFailure(e: unknown): DecodeFailure {
  if (typeof e === 'object' && e !== null && 'code' in e && 'message' in e) {
    return { code: String((e as { code: unknown }).code), message: String((e as { message: unknown }).message) };
  }
  return { code: 'DECODE_FAILED', message: String(e) };
}
