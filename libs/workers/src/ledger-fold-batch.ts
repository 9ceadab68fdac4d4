// The ledger worker's fold of one flush: the flush's events appended to their
// orgs' ledgers from the stored states, and what that writes (rows, Merkle
// nodes, signed checkpoints, the new states), stored in dependency order.
//
// One fold loop, two outputs: LedgerWrites (row objects, for a ClickHouse
// server's JSON inserts and for tests) or, on the embedded engine, RowBinary
// written row by row from the canonical bytes the fold has just hashed
// (LedgerInsertChunk), so no row object is built or kept until the insert.
// Both give the same stored bytes (ledger-chunked-store.int.spec.ts).
import { TOPICS } from '@mcpg/events';
import {
  LedgerError,
  SegmentedLedger,
  keyIdHex,
  ledgerRowFromEvent,
  parseNote,
  signCheckpoint,
  toBase64,
  toHex,
  type AppendedLeaf,
  type Hash,
  type LedgerEvent,
  type NodeVisitor,
  type SegmentPolicy,
  type SigningKeys,
} from '@mcpg/ledger';
import {
  LedgerInsertChunk,
  insertCheckpoints,
  insertLedgerRows,
  insertLedgerStates,
  insertMerkleNodes,
  type CheckpointRecord,
  type LedgerStateRecord,
  type MerkleNodeRow,
  type Store,
  type StoredLedgerRow,
} from '@mcpg/store';
import type { PendingLedgerEvent } from './ledger-event.ts';

/** What one flush writes, built from the stored states and the flush's events. */
export interface LedgerWrites {
  readonly rows: StoredLedgerRow[];
  readonly nodes: MerkleNodeRow[];
  readonly checkpoints: CheckpointRecord[];
  readonly states: LedgerStateRecord[];
}

/** Where the fold puts each appended row and the Merkle nodes its append completes. */
interface RowOutput {
  /** Called before each row's append: the nodes that `visit` then sees belong to `org`. */
  beginRow(org: string): void;
  /** Sees the row's leaf (level 0) first, then each parent the append completes. */
  readonly visit: NodeVisitor;
  row(event: LedgerEvent, appended: AppendedLeaf, sourcePartition: number, sourceOffset: string): void;
}

/** The rest of a fold's writes: what the output does not hold. */
interface FoldResult {
  readonly checkpoints: CheckpointRecord[];
  readonly states: LedgerStateRecord[];
}

/** The fold of foldLedgerBatch and foldLedgerChunk: rows and nodes go to `out`, the rest is returned. */
function foldInto(
  events: readonly PendingLedgerEvent[],
  stored: ReadonlyMap<string, LedgerStateRecord>,
  segments: SegmentPolicy,
  signingKeys: SigningKeys,
  out: RowOutput,
): FoldResult {
  const result: FoldResult = { checkpoints: [], states: [] };
  // Offsets as numbers: Kafka offsets stay far below 2^53 (a partition would
  // need 285 years at a million messages a second).
  const open = new Map<string, { ledger: SegmentedLedger; routed: number | null; sources: Map<number, number>; changed: boolean }>();
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
    out.beginRow(event.org);
    const { appended, closed } = org.ledger.appendLeaf(event, out.visit);
    // Now, while its canonical bytes are in the encoder's buffer (the next append overwrites them).
    out.row(event, appended, partition, offset);
    for (const segment of closed) {
      const cp = segment.checkpoint;
      const signer = signingKeys.signerFor(cp.eventTime);
      const note = signCheckpoint(cp, signer);
      const sig = parseNote(note).signatures[0];
      result.checkpoints.push({
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
    org.routed = routedPartition;
    org.sources.set(partition, at + 1);
    org.changed = true;
  }
  for (const [org, o] of open) {
    if (!o.changed) continue;
    const sources = [...o.sources].sort(([a], [b]) => a - b).map(([p, next]) => ({ partition: p, next: String(next) }));
    result.states.push({ org, routedPartition: o.routed, sources, ledger: o.ledger.state() });
  }
  return result;
}

function keyIdAndSignature(keyId: number, signature: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + signature.length);
  new DataView(bytes.buffer).setUint32(0, keyId);
  bytes.set(signature, 4);
  return bytes;
}

/** Row objects: the stored row, and the hashes each append completed. */
class ObjectOutput implements RowOutput {
  readonly rows: StoredLedgerRow[] = [];
  readonly nodes: MerkleNodeRow[] = [];
  private completed: Hash[] = [];
  readonly visit: NodeVisitor = (_level, _index, hash) => {
    this.completed.push(hash);
  };
  beginRow(): void {
    this.completed = [];
  }
  row(event: LedgerEvent, appended: AppendedLeaf, sourcePartition: number, sourceOffset: string): void {
    const row = ledgerRowFromEvent(event, BigInt(appended.seq));
    this.rows.push({ row, leafHash: appended.leafHash, prevHash: appended.prevHash, sourcePartition, sourceOffset });
    this.nodes.push({ org: event.org, seq: appended.seq, nodes: this.completed });
  }
}

/** RowBinary for the embedded engine, transcoded from the canonical bytes. */
class ChunkOutput implements RowOutput {
  constructor(readonly chunk: LedgerInsertChunk) {}
  get visit(): NodeVisitor {
    return this.chunk.visit;
  }
  beginRow(org: string): void {
    this.chunk.beginRow(org);
  }
  row(_event: LedgerEvent, appended: AppendedLeaf, sourcePartition: number, sourceOffset: string): void {
    this.chunk.row(appended, sourcePartition, sourceOffset);
  }
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
  const out = new ObjectOutput();
  const { checkpoints, states } = foldInto(events, stored, segments, signingKeys, out);
  return { rows: out.rows, nodes: out.nodes, checkpoints, states };
}

/**
 * foldLedgerBatch writing the rows and node rows into `chunk` (reset first)
 * as RowBinary instead of objects; returns the checkpoints and states.
 */
export function foldLedgerChunk(
  chunk: LedgerInsertChunk,
  events: readonly PendingLedgerEvent[],
  stored: ReadonlyMap<string, LedgerStateRecord>,
  segments: SegmentPolicy,
  signingKeys: SigningKeys,
): FoldResult {
  chunk.reset();
  return foldInto(events, stored, segments, signingKeys, new ChunkOutput(chunk));
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

// Chunk writers kept between flushes: each grows to a chunk's size once
// (~11 MB of rows and ~4 MB of nodes at 25,000 rows) instead of growing from
// scratch, copy by copy, every flush. A flush uses two (one folding, one
// inserting); concurrent flushes (two workers in one process) take more.
const spareChunks: LedgerInsertChunk[] = [];
const SPARE_CHUNKS = 2;

/** One fold's output: what the store's engine takes best. */
interface ChunkWriter {
  fold(events: readonly PendingLedgerEvent[], states: ReadonlyMap<string, LedgerStateRecord>): FoldResult;
  /** Inserts what the last fold wrote. */
  insert(): Promise<void>;
  release(): void;
}

function chunkWriter(store: Store, segments: SegmentPolicy, signingKeys: SigningKeys): ChunkWriter {
  if (store.kind !== 'embedded') {
    let last: LedgerWrites | undefined;
    return {
      fold(events, states) {
        last = foldLedgerBatch(events, states, segments, signingKeys);
        return last;
      },
      insert: () => Promise.all([insertLedgerRows(store, last?.rows ?? []), insertMerkleNodes(store, last?.nodes ?? [])]).then(() => undefined),
      release() {},
    };
  }
  const chunk = spareChunks.pop() ?? new LedgerInsertChunk();
  return {
    fold: (events, states) => foldLedgerChunk(chunk, events, states, segments, signingKeys),
    insert: () => chunk.insert(store),
    release() {
      chunk.reset();
      if (spareChunks.length < SPARE_CHUNKS) spareChunks.push(chunk);
    },
  };
}

/**
 * A flush as the worker writes it: the fold and storeLedgerWrites, in chunks
 * of `chunkRows` events, with the fold of chunk k+1 (on this thread)
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
  // Two writers taking turns: one folds while the other's insert runs.
  const writers = [chunkWriter(store, segments, signingKeys), chunkWriter(store, segments, signingKeys)] as const;
  let writing: Promise<unknown> = Promise.resolve();
  try {
    for (let at = 0, k = 0; at < events.length; at += chunkRows, k++) {
      const writer = writers[k % 2]!;
      const w = writer.fold(events.slice(at, at + chunkRows), states);
      for (const s of w.states) {
        states.set(s.org, s);
        changed.set(s.org, s);
      }
      for (const c of w.checkpoints) checkpoints.push(c);
      await writing;
      writing = writer.insert();
      // Surfaces at the next await; no unhandled rejection while the next chunk folds.
      writing.catch(() => undefined);
    }
    await writing;
  } finally {
    // A fold that threw must not leave an insert running behind the retry,
    // nor a writer returned while its bytes are being inserted.
    await writing.catch(() => undefined);
    for (const w of writers) w.release();
  }
  await insertCheckpoints(store, checkpoints);
  await insertLedgerStates(store, [...changed.values()]);
}
