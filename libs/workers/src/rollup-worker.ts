// The rollup worker as a service: consumes mcpg.calls.v1, stores one
// tool_invocations row per call and folds the calls into per-minute rollups
// (counters and latency t-digests) with day and hour totals and hour and day
// digest rows beside them,
// dead-letters what cannot be read. Used by
// the standalone rollup-worker app and by `mcpg up`.
//
// Exactly-once effect: rollup rows are keyed by offset chunk and rewritten as
// a chunk grows; offsets are committed only at chunk starts, so after a crash
// the open chunk is refolded from its first offset and lands on the same keys.
import { TOPICS, toolCallCodec } from '@mcpg/events';
import { BatchingSink, type Bus, type FlushReport, type IncomingMessage, type LagTracker, type SinkLog, type SinkTotals } from '@mcpg/pipeline';
import { RollupFold, chunkStart, toInvocationRow, validateCall, validateCallFigures, type DayTotalsRow, type FoldedCall, type FoldOptions, type HourTotalsRow, type InvocationRow, type RollupRow, type TierRollupRow } from '@mcpg/rollup';
import { assertSameLog } from './log-continuity.ts';
import { startPayloadSink } from './payload-sink.ts';
import {
  CallRowTranscoder,
  encodeInvocationRow,
  insertDayTotals,
  insertEncodedInvocations,
  insertHourTotals,
  insertOrgRollupTiers,
  insertRollups,
  insertTierRollups,
  insertToolInvocations,
  recordFlush,
  type EncodedInvocation,
  type OrgRetention,
  type Store,
} from '@mcpg/store';

/** A call's tool_invocations row: encoded for the embedded engine, an object for a server. */
type CallRow = EncodedInvocation | InvocationRow;

export interface RollupWorkerOptions {
  readonly bus: Bus;
  readonly store: Store;
  /** Each org's plan: rows are stamped with their class's window (schemas/clickhouse 061). Absent: the columns' defaults. */
  readonly retention?: OrgRetention;
  readonly groupId?: string;
  /** The calls topic; default mcpg.calls.v1 (tests give one of their own). */
  readonly topic?: string;
  /** The captured payloads topic; default mcpg.payloads.v1. Its sink stores tool_invocation_payloads beside the calls. */
  readonly payloadTopic?: string;
  /** Partitions for the topics if the worker has to create them. */
  readonly partitions?: number;
  readonly batchRows: number;
  readonly flushMs: number;
  /** Must stay fixed for a deployment (see FoldOptions). */
  readonly fold?: FoldOptions;
  readonly log?: SinkLog;
  readonly onFatal?: (e: unknown) => void;
  /** After each flush is stored, e.g. for a debug log of positions. */
  readonly onFlushed?: (report: FlushReport) => void;
}

/** The worker settings (libs/config workerSettings and partitions) as options. */
export function rollupWorkerOptions(c: {
  readonly rollupBatchRows: number;
  readonly flushMs: number;
  readonly partitions: number;
  readonly workerGroup: string;
  readonly rollupChunk: number;
}): Pick<RollupWorkerOptions, 'batchRows' | 'flushMs' | 'partitions' | 'groupId' | 'fold'> {
  // A size of its own, not MCPG_WORKER_BATCH_ROWS: 50,000-call flushes took
  // 22.5-24.4 CPU-s per 1M calls draining a backlog against 31.8-33.2 with
  // 20,000 (bench/ingest-peer.ts), since each flush rewrites whole digest rows.
  return { batchRows: c.rollupBatchRows, flushMs: c.flushMs, partitions: c.partitions, groupId: c.workerGroup, fold: { chunkSize: c.rollupChunk } };
}

export interface RunningWorker {
  readonly totals: SinkTotals;
  /** The payload sink's (mcpg.payloads.v1 into tool_invocation_payloads). */
  readonly payloadTotals: SinkTotals;
  readonly lag: LagTracker;
  stop(): Promise<void>;
}

export async function startRollupWorker(opts: RollupWorkerOptions): Promise<RunningWorker> {
  // Topics may not exist yet when a worker starts before any gateway sent.
  const topic = opts.topic ?? TOPICS.calls;
  const payloadTopic = opts.payloadTopic ?? TOPICS.payloads;
  await opts.bus.ensureTopics([topic, payloadTopic, TOPICS.deadletter].map((name) => ({ name, partitions: opts.partitions })));
  // Rows are keyed by offset chunk: a log that started again at 0 would write over them.
  await assertSameLog(opts.bus, opts.store, topic);
  const consumer = await opts.bus.consumer({
    groupId: opts.groupId ?? 'mcpg-rollup',
    topics: [topic],
    fromBeginning: true,
    // The consumer stopped by itself (e.g. not authorised): nothing more will
    // arrive, so the worker must restart rather than idle.
    onError: (e) => opts.onFatal?.(e),
  });
  const producer = await opts.bus.producer();
  const fold = new RollupFold(opts.fold);
  const lastOffset = new Map<number, number>();
  let unwrittenRollups: RollupRow[] = [];
  let unwrittenTotals: DayTotalsRow[] = [];
  let unwrittenHours: HourTotalsRow[] = [];
  let unwrittenHourRollups: TierRollupRow[] = [];
  let unwrittenDayRollups: TierRollupRow[] = [];
  let unwrittenOrg = { minutes: [] as TierRollupRow[], hours: [] as TierRollupRow[], days: [] as TierRollupRow[] };

  // The embedded engine takes the calls' rows in RowBinary, read straight
  // from the messages' bytes where the transcoder can (the plain case) and
  // encoded from the decoded event where it cannot; a server gets rows as
  // objects (JSON lines). One kind per worker, chosen by the store.
  const transcoder = opts.store.kind === 'embedded' ? new CallRowTranscoder(toolCallCodec.fingerprint) : undefined;
  const decode = (msg: IncomingMessage): CallRow[] => {
    const offset = Number(msg.offset);
    const read = transcoder?.transcode(msg.value, msg.partition, offset, msg.timestamp);
    let event: FoldedCall;
    let row: CallRow;
    if (read) {
      // The transcoder read ids and labels that validateCall passes; the figures are checked here.
      event = validateCallFigures(read, msg.timestamp);
      row = read;
    } else {
      const decoded = validateCall(toolCallCodec.decode(msg.value), msg.timestamp);
      event = decoded;
      const objectRow = toInvocationRow(decoded, msg.partition, msg.offset, msg.timestamp);
      row = transcoder ? encodeInvocationRow(objectRow) : objectRow;
    }
    // The log went back (a rebalance or a restarted consumer re-delivers from
    // the committed chunk start): refold the partition from here.
    if (offset <= (lastOffset.get(msg.partition) ?? -1)) fold.release(msg.partition);
    lastOffset.set(msg.partition, offset);
    fold.add(msg.partition, offset, event);
    return [row];
  };

  const retention = opts.retention;
  const sink = new BatchingSink<CallRow>({
    name: 'rollup-worker',
    consumer,
    producer,
    deadLetterTopic: TOPICS.deadletter,
    decode,
    write: async (rows) => {
      // Rollup rows of every event decoded so far (this flush and any batch
      // decoded while it waited): cumulative per chunk, so writing "ahead" is
      // safe. Rows taken but not yet stored stay queued for the retry: the
      // fold hands each changed row out only once.
      for (const r of fold.takeRows()) unwrittenRollups.push(r);
      for (const r of fold.takeDayTotals()) unwrittenTotals.push(r);
      for (const r of fold.takeHourTotals()) unwrittenHours.push(r);
      for (const r of fold.takeHourRollups()) unwrittenHourRollups.push(r);
      for (const r of fold.takeDayRollups()) unwrittenDayRollups.push(r);
      const org = fold.takeOrgRollups();
      for (const r of org.minutes) unwrittenOrg.minutes.push(r);
      for (const r of org.hours) unwrittenOrg.hours.push(r);
      for (const r of org.days) unwrittenOrg.days.push(r);
      await Promise.all([
        // All of one kind: encoded when there is a transcoder (see decode).
        transcoder
          ? insertEncodedInvocations(opts.store, rows as EncodedInvocation[], retention?.stamp('samples'))
          : insertToolInvocations(opts.store, rows as InvocationRow[], retention?.stamp('samples')),
        insertRollups(opts.store, unwrittenRollups, retention?.stamp('rollups_1m')),
        insertDayTotals(opts.store, unwrittenTotals),
        insertHourTotals(opts.store, unwrittenHours, retention?.stamp('rollups_1h')),
        insertTierRollups(opts.store, 'hour', unwrittenHourRollups, retention?.stamp('rollups_1h')),
        insertTierRollups(opts.store, 'day', unwrittenDayRollups, retention?.stamp('rollups_1d')),
        insertOrgRollupTiers(opts.store, unwrittenOrg, retention && { minute: retention.stamp('rollups_1m'), hour: retention.stamp('rollups_1h'), day: retention.stamp('rollups_1d') }),
      ]);
      unwrittenRollups = [];
      unwrittenTotals = [];
      unwrittenHours = [];
      unwrittenHourRollups = [];
      unwrittenDayRollups = [];
      unwrittenOrg = { minutes: [], hours: [], days: [] };
    },
    record: async (report) => {
      await recordFlush(opts.store, report);
      opts.onFlushed?.(report);
    },
    commitOffset: (_topic, _partition, next) => String(chunkStart(Number(next), fold.options.chunkSize)),
    batchRows: opts.batchRows,
    flushMs: opts.flushMs,
    log: opts.log,
    onFatal: opts.onFatal,
  });
  await sink.start();
  // Its own consumer group: payloads and calls are separate logs with their own positions.
  const payloads = await startPayloadSink({
    bus: opts.bus,
    store: opts.store,
    groupId: `${opts.groupId ?? 'mcpg-rollup'}-payloads`,
    topic: payloadTopic,
    ...(opts.retention ? { retention: opts.retention } : {}),
    batchRows: opts.batchRows,
    flushMs: opts.flushMs,
    log: opts.log,
    onFatal: opts.onFatal,
  });
  return {
    totals: sink.totals,
    lag: sink.lag,
    payloadTotals: payloads.totals,
    async stop() {
      await payloads.stop();
      await sink.stop();
      await producer.close();
    },
  };
}
