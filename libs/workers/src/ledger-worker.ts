// The ledger worker as a service: routes mcpg.audit.v1 by org into
// mcpg.audit.by-org.v1 (audit-router.ts; producers may use any partitioner),
// consumes that topic (each org in one partition, in one order), masks each
// event, appends it to its org's ledger, signs a checkpoint at every segment
// boundary, and stores rows → Merkle nodes → checkpoints → resume state, in
// that order, before the offsets are committed. Used by apps/ledger-worker and
// `mcpg up`. A flush folds and stores in chunks, the fold of one overlapping
// the insert of the one before (foldAndStoreLedger, ledger-fold-batch.ts).
//
// Exactly-once effect: each flush re-reads the stored state of the orgs it
// touches and folds only events whose source position (partition and offset
// in mcpg.audit.v1) lies past what the state covers, so a re-delivered or
// re-routed event is skipped. A crash anywhere before the state is written
// leaves the old state, and the re-read events fold into the same seqs,
// hashes and signatures (Ed25519 is deterministic), which land on the same
// keys. Another instance that took a partition over after a rebalance starts
// from the stored state too.
import { TOPICS } from '@mcpg/events';
import { SegmentedLedger, type SegmentPolicy, type SigningKeys } from '@mcpg/ledger';
import { createMasker, type MaskerOptions } from '@mcpg/masking';
import { BatchingSink, type Bus, type FlushReport, type IncomingMessage, type LagTracker, type SinkLog, type SinkTotals } from '@mcpg/pipeline';
import { queryLedgerStates, recordFlush, type Store } from '@mcpg/store';
import { assertSameLog } from './log-continuity.ts';
import { startAuditRouter, type RunningAuditRouter } from './audit-router.ts';
import { decodeLedgerMessage, type PendingLedgerEvent } from './ledger-event.ts';
import { foldAndStoreLedger } from './ledger-fold-batch.ts';

export interface LedgerWorkerOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly signingKeys: SigningKeys;
  /** Must stay fixed for a deployment: a rebuild has to cut the same segments. */
  readonly segments: SegmentPolicy;
  /** The ledger's consumer group; its router's group is this with `-router` appended. */
  readonly groupId?: string;
  /** The audit topic; default mcpg.audit.v1 (tests give one of their own). */
  readonly topic?: string;
  /** The routed topic; default mcpg.audit.by-org.v1. */
  readonly routedTopic?: string;
  /** Partitions for the topics if the worker has to create them. */
  readonly partitions?: number;
  readonly batchRows: number;
  readonly flushMs: number;
  readonly masking?: MaskerOptions;
  readonly log?: SinkLog;
  readonly onFatal?: (e: unknown) => void;
  readonly onFlushed?: (report: FlushReport) => void;
}

/** The ledger settings (libs/config ledgerSettings) and the shared worker settings as options. */
export function ledgerWorkerOptions(c: {
  readonly batchRows: number;
  readonly flushMs: number;
  readonly partitions: number;
  readonly ledgerGroup: string;
  readonly ledgerSegmentRows: number;
  readonly ledgerSegmentSeconds: number;
}): Pick<LedgerWorkerOptions, 'batchRows' | 'flushMs' | 'partitions' | 'groupId' | 'segments'> {
  return {
    batchRows: c.batchRows,
    flushMs: c.flushMs,
    partitions: c.partitions,
    groupId: c.ledgerGroup,
    segments: { rows: c.ledgerSegmentRows, seconds: c.ledgerSegmentSeconds },
  };
}

export interface RunningLedgerWorker {
  readonly totals: SinkTotals;
  /** The router's alone: messages routed from the audit topic and dead letters it wrote. */
  readonly routerTotals: SinkTotals;
  readonly lag: LagTracker;
  stop(): Promise<void>;
}

export async function startLedgerWorker(opts: LedgerWorkerOptions): Promise<RunningLedgerWorker> {
  const topic = opts.topic ?? TOPICS.audit;
  const routedTopic = opts.routedTopic ?? TOPICS.auditByOrg;
  const groupId = opts.groupId ?? 'mcpg-ledger';
  await opts.bus.ensureTopics([topic, routedTopic, TOPICS.deadletter].map((name) => ({ name, partitions: opts.partitions })));
  // The state is keyed by source offsets: a log that started again at 0 would have its events skipped.
  await assertSameLog(opts.bus, opts.store, topic);
  await assertSameLog(opts.bus, opts.store, routedTopic);
  // Built once: the masker compiles its rules at construction.
  const masker = createMasker(opts.masking);
  // Fails now, not at the first checkpoint, if the policy is unusable.
  new SegmentedLedger('check', opts.segments);
  const consumer = await opts.bus.consumer({
    groupId,
    topics: [routedTopic],
    fromBeginning: true,
    onError: (e) => opts.onFatal?.(e),
  });
  const producer = await opts.bus.producer();
  const sink = new BatchingSink<PendingLedgerEvent>({
    name: 'ledger-worker',
    consumer,
    producer,
    deadLetterTopic: TOPICS.deadletter,
    decode: (msg: IncomingMessage) => [decodeLedgerMessage(masker, msg)],
    // Retried as a whole: the states are re-read, so a retry after a partial
    // write folds from the same starting point and rewrites the same rows.
    write: async (events) => {
      const orgs = [...new Set(events.map((e) => e.event.org))];
      const stored = await queryLedgerStates(opts.store, orgs);
      await foldAndStoreLedger(opts.store, events, stored, opts.segments, opts.signingKeys);
    },
    record: async (report) => {
      await recordFlush(opts.store, report);
      opts.onFlushed?.(report);
    },
    batchRows: opts.batchRows,
    flushMs: opts.flushMs,
    log: opts.log,
    onFatal: opts.onFatal,
  });
  await sink.start();
  let router: RunningAuditRouter;
  try {
    router = await startAuditRouter({
      bus: opts.bus,
      store: opts.store,
      groupId: `${groupId}-router`,
      sourceTopic: topic,
      routedTopic,
      batchRows: opts.batchRows,
      flushMs: opts.flushMs,
      log: opts.log,
      onFatal: opts.onFatal,
      onFlushed: opts.onFlushed,
    });
  } catch (e) {
    await sink.stop();
    await producer.close();
    throw e;
  }
  const fold = sink.totals;
  const route = router.totals;
  return {
    // Messages and rows are the fold's (each audit event once); dead letters come from both steps.
    totals: {
      get messages() { return fold.messages; },
      get rows() { return fold.rows; },
      get flushes() { return fold.flushes; },
      get deadLetters() { return fold.deadLetters + route.deadLetters; },
      get deadLetterReferences() { return fold.deadLetterReferences + route.deadLetterReferences; },
      get commitFailures() { return fold.commitFailures + route.commitFailures; },
    },
    routerTotals: route,
    lag: sink.lag,
    async stop() {
      // The router first: what it routed before stopping is folded by the last flush or the next start.
      await router.stop();
      await sink.stop();
      await producer.close();
    },
  };
}
