// The ledger worker as a service: routes mcpg.audit.v1 by org into
// mcpg.audit.by-org.v1 (audit-router.ts; producers may use any partitioner),
// consumes that topic (each org in one partition, in one order), masks each
// event, appends it to its org's ledger, signs a checkpoint at every segment
// boundary, and stores rows → Merkle nodes → checkpoints → resume state, in
// that order, before the offsets are committed. Used by apps/ledger-worker and
// `mcpg up`. A flush folds and stores in chunks, the fold of one overlapping
// the insert of the one before (foldAndStoreLedger).
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
import { LedgerError, SegmentedLedger, keyIdHex, parseNote, signCheckpoint, toBase64, toHex, type Hash, type SegmentPolicy, type SigningKeys } from '@mcpg/ledger';
import { createMasker, type MaskerOptions } from '@mcpg/masking';
import { BatchingSink, type Bus, type FlushReport, type IncomingMessage, type LagTracker, type SinkLog, type SinkTotals } from '@mcpg/pipeline';
import {
  insertCheckpoints,
  insertLedgerRows,
  insertLedgerStates,
  insertMerkleNodes,
  queryLedgerStates,
  recordFlush,
  type CheckpointRecord,
  type LedgerStateRecord,
  type MerkleNodeRow,
  type Store,
  type StoredLedgerRow,
} from '@mcpg/store';
import { assertSameLog } from './log-continuity.ts';
import { startAuditRouter, type RunningAuditRouter } from './audit-router.ts';
import { decodeLedgerMessage, type PendingLedgerEvent } from './ledger-event.ts';

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

/** What one flush writes, built from the stored states and the flush's events. */
export interface LedgerWrites {
  readonly rows: StoredLedgerRow[];
  readonly nodes: MerkleNodeRow[];
  readonly checkpoints: CheckpointRecord[];
  readonly states: LedgerStateRecord[];
}

/**
 * Folds a flush's events into the orgs' ledgers, starting from their stored
 * states. Pure: the same states and events give byte-identical writes.
 */
export function foldLedgerBatch(
  events: readonly PendingLedgerEvent[],
  stored: ReadonlyMap<string, LedgerStateRecord>,
  segments: SegmentPolicy,
  signingKeys: SigningKeys,
): LedgerWrites {
  const out: LedgerWrites = { rows: [], nodes: [], checkpoints: [], states: [] };
  // Offsets as numbers: Kafka offsets stay far below 2^53 (a partition would
  // need 285 years at a million messages a second).
  const open = new Map<string, { ledger: SegmentedLedger; routed: number | null; sources: Map<number, number>; changed: boolean }>();
  // One visitor for the batch, collecting into the current row's list.
  let completed: Hash[] = [];
  const visit = (_level: number, _index: number, hash: Hash) => {
    completed.push(hash);
  };
  for (const { event, partition, offset, routedPartition } of events) {
    let org = open.get(event.org);
    if (org === undefined) {
      const s = stored.get(event.org);
      const sources = new Map((s?.sources ?? []).map((p) => [p.partition, Number(p.next)]));
      org = { ledger: new SegmentedLedger(event.org, segments, s?.ledger), routed: s?.routedPartition ?? null, sources, changed: false };
      open.set(event.org, org);
    }
    // The router keeps an org in one partition of the routed topic; another
    // one means that topic's partition count changed, and two instances could
    // fold the org at once. Stop rather than fork the chain.
    if (org.routed !== null && routedPartition !== org.routed) {
      throw new LedgerError(
        'INVALID_ARGUMENT',
        `the ledger of ${event.org} was folded from partition ${org.routed} of ${TOPICS.auditByOrg} and now has events in partition ${routedPartition}: the partition count of ${TOPICS.auditByOrg} must not change`,
      );
    }
    const at = Number(offset);
    // Already folded (re-delivered after a crash or a rebalance, or re-sent by the router).
    if (at < (org.sources.get(partition) ?? 0)) continue;
    completed = [];
    const { appended, closed } = org.ledger.append(event, visit);
    for (const segment of closed) {
      const cp = segment.checkpoint;
      const signer = signingKeys.signerFor(cp.eventTime);
      const note = signCheckpoint(cp, signer);
      const sig = parseNote(note).signatures[0];
      out.checkpoints.push({
        org: event.org,
        treeSize: cp.size,
        firstSeq: segment.firstSeq,
        root: toHex(cp.root),
        chainHead: toHex(cp.chainHead),
        eventTime: cp.eventTime,
        closedBy: segment.closedBy,
        keyName: signer.name,
        keyId: keyIdHex(signer.keyId),
        signature: sig === undefined ? '' : toBase64(keyIdAndSignature(sig.keyId, sig.signature)),
        note,
      });
    }
    out.rows.push({ row: appended.row, leafHash: appended.leafHash, prevHash: appended.prevHash, sourcePartition: partition, sourceOffset: offset });
    out.nodes.push({ org: event.org, seq: Number(appended.row.seq), nodes: completed });
    org.routed = routedPartition;
    org.sources.set(partition, at + 1);
    org.changed = true;
  }
  for (const [org, o] of open) {
    if (!o.changed) continue;
    const sources = [...o.sources].sort(([a], [b]) => a - b).map(([p, next]) => ({ partition: p, next: String(next) }));
    out.states.push({ org, routedPartition: o.routed, sources, ledger: o.ledger.state() });
  }
  return out;
}

function keyIdAndSignature(keyId: number, signature: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + signature.length);
  new DataView(bytes.buffer).setUint32(0, keyId);
  bytes.set(signature, 4);
  return bytes;
}

/** Writes in dependency order: a state is never stored before what it accounts for. */
export async function storeLedgerWrites(store: Store, w: LedgerWrites): Promise<void> {
  await Promise.all([insertLedgerRows(store, w.rows), insertMerkleNodes(store, w.nodes)]);
  await insertCheckpoints(store, w.checkpoints);
  await insertLedgerStates(store, w.states);
}

/**
 * Rows per stored chunk of a flush (see foldAndStoreLedger). Larger inserts
 * cost the engine less per row (bench/ledger-engine-ceiling.ts): with
 * RowBinary inserts, a 20,000-event flush stored whole took 11.3-12.6 CPU-s
 * per 200k rows against 13.8-14.4 s in two 10,000-event chunks, and a
 * 50,000-event flush in two chunks 13.1 s against 14.9-15.6 s in five
 * (bench/ledger-append.ts, load 2-3.4), the overlap notwithstanding.
 */
export const LEDGER_CHUNK_ROWS = 25_000;

/**
 * A flush as the worker writes it: foldLedgerBatch and storeLedgerWrites, in
 * chunks of `chunkRows` events, with the fold of chunk k+1 (on this thread)
 * overlapping the insert of chunk k (on the engine's threads); at most one
 * insert in flight. The rows and nodes are the same bytes as one fold of the
 * whole flush (each chunk folds on from the states the last one left), and
 * the order holds: every chunk's rows and nodes, then the flush's
 * checkpoints, then its states, so a crash anywhere leaves the old states and
 * the retry rewrites the same rows.
 */
export async function foldAndStoreLedger(
  store: Store,
  events: readonly PendingLedgerEvent[],
  stored: ReadonlyMap<string, LedgerStateRecord>,
  segments: SegmentPolicy,
  signingKeys: SigningKeys,
  chunkRows: number = LEDGER_CHUNK_ROWS,
): Promise<void> {
  const states = new Map(stored);
  const changed = new Map<string, LedgerStateRecord>();
  const checkpoints: CheckpointRecord[] = [];
  let writing: Promise<unknown> = Promise.resolve();
  try {
    for (let at = 0; at < events.length; at += chunkRows) {
      const w = foldLedgerBatch(events.slice(at, at + chunkRows), states, segments, signingKeys);
      for (const s of w.states) {
        states.set(s.org, s);
        changed.set(s.org, s);
      }
      for (const c of w.checkpoints) checkpoints.push(c);
      await writing;
      writing = Promise.all([insertLedgerRows(store, w.rows), insertMerkleNodes(store, w.nodes)]);
      // Surfaces at the next await; no unhandled rejection while the next chunk folds.
      writing.catch(() => undefined);
    }
    await writing;
  } finally {
    // A fold that threw must not leave an insert running behind the retry.
    await writing.catch(() => undefined);
  }
  await insertCheckpoints(store, checkpoints);
  await insertLedgerStates(store, [...changed.values()]);
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
