// The ledger-worker's resume point per org: the fold state after every event
// of the org it has appended, and how far it has read each partition of the
// audit topic the events came from (source positions, which make the router's
// re-sends harmless). Written after the rows, nodes and checkpoints it
// accounts for, so a stored state never runs ahead of the rows. Kept in
// audit_ledger_heads (020), version tree_size; an org with no state there yet
// is read from audit_ledger_state (005, one source partition), which the
// worker no longer writes.
import { fromHexStrict, toHex, type Hash, type SegmentedLedgerState } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { StoreError, toStoreError } from '../errors.ts';

/** Every event of the org before `next` (a decimal offset) in source `partition` is folded in. */
export interface SourcePosition {
  readonly partition: number;
  readonly next: string;
}

export interface LedgerStateRecord {
  readonly org: string;
  /**
   * Partition of the by-org topic the org is folded from; null for a state
   * written before audit events were re-partitioned (the next fold adopts one).
   */
  readonly routedPartition: number | null;
  /** Ascending by partition. */
  readonly sources: readonly SourcePosition[];
  readonly ledger: SegmentedLedgerState;
}

const COLUMNS: [string, ...string[]] = [
  'org', 'routed_partition', 'source_partitions', 'source_next_offsets', 'tree_size', 'frontier', 'chain_head', 'last_event_time', 'checkpoint_size',
  'segment_bucket',
];

export async function insertLedgerStates(store: Store, states: readonly LedgerStateRecord[]): Promise<void> {
  if (!states.length) return;
  const values = states.map((s) => [
    s.org, s.routedPartition ?? 0, s.sources.map((p) => p.partition), s.sources.map((p) => p.next), s.ledger.fold.range.size,
    s.ledger.fold.range.hashes.map(toHex), toHex(s.ledger.fold.chainHead), s.ledger.fold.lastEventTime, s.ledger.checkpointSize, s.ledger.segmentBucket,
  ]);
  try {
    await store.client.insert({ table: 'audit_ledger_heads', columns: COLUMNS, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${states.length} audit_ledger_heads rows`);
  }
}

interface StateJson {
  org: string;
  routed: number | null;
  partitions: number[];
  next_texts: string[];
  size_text: string;
  frontier: string[];
  chain_head: string;
  last_ms: string;
  checkpoint_text: string;
  bucket_text: string | null;
}

const FOLD_COLUMNS = `toString(tree_size) AS size_text, frontier, chain_head, toString(last_event_time) AS last_ms,
                      toString(checkpoint_size) AS checkpoint_text, toString(segment_bucket) AS bucket_text`;

const HEADS = `SELECT org, routed_partition AS routed, source_partitions AS partitions, arrayMap(x -> toString(x), source_next_offsets) AS next_texts,
                      ${FOLD_COLUMNS}
               FROM audit_ledger_heads FINAL WHERE org IN {orgs:Array(String)}`;

// States written before 020: one source partition, no routed partition yet.
const LEGACY = `SELECT org, NULL AS routed, [source_partition] AS partitions, [toString(next_offset)] AS next_texts, ${FOLD_COLUMNS}
                FROM audit_ledger_state FINAL WHERE org IN {orgs:Array(String)}`;

function hash(hex: string, org: string): Hash {
  const h = fromHexStrict(hex);
  if (h === undefined || h.length !== 32) throw new StoreError('QUERY_FAILED', `the ledger state of ${org} holds a malformed hash`, false);
  return h;
}

async function select(store: Store, query: string, orgs: readonly string[]): Promise<StateJson[]> {
  try {
    const rs = await store.client.query({ query, query_params: { orgs }, format: 'JSONEachRow' });
    return await rs.json<StateJson>();
  } catch (err) {
    throw toStoreError(err, `reading the ledger state of ${orgs.length} orgs`);
  }
}

function toRecord(r: StateJson): LedgerStateRecord {
  return {
    org: r.org,
    routedPartition: r.routed,
    sources: r.partitions.map((partition, i) => ({ partition, next: r.next_texts[i] ?? '0' })),
    ledger: {
      fold: {
        org: r.org,
        range: { size: Number(r.size_text), hashes: r.frontier.map((h) => hash(h, r.org)) },
        chainHead: hash(r.chain_head, r.org),
        lastEventTime: Number(r.last_ms),
      },
      checkpointSize: Number(r.checkpoint_text),
      segmentBucket: r.bucket_text === null ? null : Number(r.bucket_text),
    },
  };
}

/** The current state of each org that has one. */
export async function queryLedgerStates(store: Store, orgs: readonly string[]): Promise<Map<string, LedgerStateRecord>> {
  const out = new Map<string, LedgerStateRecord>();
  if (!orgs.length) return out;
  for (const r of await select(store, HEADS, orgs)) out.set(r.org, toRecord(r));
  const missing = orgs.filter((o) => !out.has(o));
  if (missing.length) for (const r of await select(store, LEGACY, missing)) out.set(r.org, toRecord(r));
  return out;
}
