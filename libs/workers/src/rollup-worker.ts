// The rollup worker as a service: consumes mcpg.calls.v1, stores one
// tool_invocations row per call, dead-letters what cannot be read. Used by the
// standalone rollup-worker app and by `mcpg up`.
import { TOPICS, toolCallCodec } from '@mcpg/events';
import { BatchingSink, type Bus, type LagTracker, type SinkLog, type SinkTotals } from '@mcpg/pipeline';
import { toInvocationRow, validateCall, type InvocationRow } from '@mcpg/rollup';
import { insertToolInvocations, recordFlush, type Store } from '@mcpg/store';

export interface RollupWorkerOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly groupId?: string;
  /** Partitions for the topics if the worker has to create them. */
  readonly partitions?: number;
  readonly batchRows: number;
  readonly flushMs: number;
  readonly log?: SinkLog;
  readonly onFatal?: (e: unknown) => void;
}

export interface RunningWorker {
  readonly totals: SinkTotals;
  readonly lag: LagTracker;
  stop(): Promise<void>;
}

export async function startRollupWorker(opts: RollupWorkerOptions): Promise<RunningWorker> {
  // Topics may not exist yet when a worker starts before any gateway sent.
  await opts.bus.ensureTopics([TOPICS.calls, TOPICS.deadletter].map((name) => ({ name, partitions: opts.partitions })));
  const consumer = await opts.bus.consumer({
    groupId: opts.groupId ?? 'mcpg-rollup',
    topics: [TOPICS.calls],
    fromBeginning: true,
    // The consumer stopped by itself (e.g. not authorised): nothing more will
    // arrive, so the worker must restart rather than idle.
    onError: (e) => opts.onFatal?.(e),
  });
  const producer = await opts.bus.producer();
  const sink = new BatchingSink<InvocationRow>({
    name: 'rollup-worker',
    consumer,
    producer,
    deadLetterTopic: TOPICS.deadletter,
    decode: (msg) => [toInvocationRow(validateCall(toolCallCodec.decode(msg.value), msg.timestamp), msg.partition, msg.offset)],
    write: (rows) => insertToolInvocations(opts.store, rows),
    record: (report) => recordFlush(opts.store, report),
    batchRows: opts.batchRows,
    flushMs: opts.flushMs,
    log: opts.log,
    onFatal: opts.onFatal,
  });
  await sink.start();
  return {
    totals: sink.totals,
    lag: sink.lag,
    async stop() {
      await sink.stop();
      await producer.close();
    },
  };
}
