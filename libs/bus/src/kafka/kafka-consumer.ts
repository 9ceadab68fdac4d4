// BusConsumer over a kafkajs consumer: eachBatch, no auto-commit, one batch at
// a time, heartbeats while a long handler runs, and a close() that lets the
// batch in flight finish — and commit — before leaving the group.
//
// Offsets are "resolved" in kafkajs only after the handler succeeds; that moves
// the fetch position without committing. Commits happen only in commit().

import type { Batch, Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { BusError } from '../errors.ts';
import type { BusLog } from '../log.ts';
import { incoming, rawHeaders } from '../raw-record.ts';
import type {
  BatchHandler,
  BusConsumer,
  CommitPosition,
  ConsumeOptions,
  IncomingMessage,
  MessageBatch,
} from '../port.ts';

type State = 'new' | 'running' | 'closing' | 'failed' | 'closed';

export interface KafkaConsumerDeps {
  readonly log: BusLog;
  readonly toError: (error: unknown, action: string) => BusError;
  readonly heartbeatIntervalMs: number;
}

export class KafkaBusConsumer implements BusConsumer {
  private state: State = 'new';
  private inFlight: Promise<void> | null = null;
  private stopping: Promise<void> | null = null;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly consumer: Consumer,
    private readonly options: ConsumeOptions,
    private readonly deps: KafkaConsumerDeps,
  ) {}

  /** Whether kafkajs may restart it after a crash: not once it is closing, closed or failed. */
  get restartable(): boolean {
    return this.state === 'running';
  }

  async start(handler: BatchHandler): Promise<void> {
    if (this.state !== 'new') throw new BusError('CLOSED', `Consumer of group ${this.options.groupId} was already started or closed`);
    this.state = 'running';
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning ?? true });
      // kafkajs restarts a crashed consumer on retriable errors; this hears about the ones it gives up on.
      this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) this.fail(this.deps.toError(payload.error, `consuming for group ${this.options.groupId}`));
      });
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.onBatch(payload, handler),
      });
    } catch (error) {
      this.state = 'closed';
      await this.consumer.disconnect().catch(() => undefined);
      throw this.deps.toError(error, `starting a consumer of ${this.options.topics.join(', ')}`);
    }
  }

  async commit(positions: readonly CommitPosition[]): Promise<void> {
    // 'closing' still commits: the batch close() waits for may commit at its end.
    if (this.state !== 'running' && this.state !== 'closing') {
      throw new BusError('CLOSED', `Consumer of group ${this.options.groupId} is ${this.state}; commit refused`);
    }
    if (positions.length === 0) return;
    try {
      await this.consumer.commitOffsets(positions.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
    } catch (error) {
      throw this.deps.toError(error, `committing offsets for group ${this.options.groupId}`);
    }
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.state === 'running') {
      this.state = 'closing';
      await this.inFlight;
    }
    this.state = 'closed';
    await (this.stopping ?? this.consumer.disconnect());
  }

  private async onBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch, resolveOffset, heartbeat, pause, isStale } = payload;
    if (this.state !== 'running') {
      // Closing or failed: leave it unresolved and stop fetching it.
      pause();
      return;
    }
    if (isStale()) return; // a seek or rebalance made this batch obsolete
    const timer = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        this.deps.log('warn', 'Heartbeat during a long batch failed; the partition may be reassigned', {
          groupId: this.options.groupId,
          error: String(error),
        });
      });
    }, this.deps.heartbeatIntervalMs);
    let done!: () => void;
    this.inFlight = new Promise<void>((resolve) => (done = resolve));
    try {
      await handler(toMessageBatch(batch));
      resolveOffset(batch.lastOffset());
    } catch (cause) {
      pause();
      this.fail(
        new BusError(
          'HANDLER_FAILED',
          `Handler of group ${this.options.groupId} failed on ${batch.topic}/${batch.partition} at offset ${batch.firstOffset()}; consumer stopped`,
          { cause },
        ),
      );
    } finally {
      clearInterval(timer);
      this.inFlight = null;
      done();
    }
  }

  /** Stops for good: leaves the group (in the background — we may be inside eachBatch) and reports once. */
  private fail(error: BusError): void {
    if (this.state !== 'running') {
      // Already stopping: nothing was committed past this batch, so it is redelivered.
      this.deps.log('warn', `After stop: ${error.message}`, { code: error.code });
      return;
    }
    this.state = 'failed';
    this.stopping = this.consumer.disconnect().catch((e: unknown) => {
      this.deps.log('warn', `Disconnect after failure failed: ${String(e)}`);
    });
    if (this.options.onError) this.options.onError(error);
    else this.deps.log('error', error.message, { code: error.code, cause: String(error.cause) });
  }
}

function toMessageBatch(batch: Batch): MessageBatch {
  const { topic, partition } = batch;
  return {
    topic,
    partition,
    highWatermark: batch.highWatermark,
    messages: batch.messages.map((m) => toIncoming(topic, partition, m)),
  };
}

/** kafkajs hands headers over as Buffers, a repeated name as an array; the raw record keeps them all. */
function toIncoming(topic: string, partition: number, m: KafkaMessage): IncomingMessage {
  const raw = { key: m.key ?? null, value: m.value ?? null, headers: rawHeaders(m.headers) };
  return incoming({ topic, partition, offset: m.offset, timestamp: Number(m.timestamp) }, raw);
}
