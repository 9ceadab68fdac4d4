// audit_ledger_state: the ledger-worker's resume point per org — the fold
// state after every event of the org before `nextOffset` of its partition.
// Written after the rows, nodes and checkpoints it accounts for, so a stored
// state never runs ahead of the rows; the highest nextOffset wins.
import { fromHexStrict, toHex, type Hash, type SegmentedLedgerState } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { StoreError, toStoreError } from '../errors.ts';

export interface LedgerStateRecord {
  readonly org: string;
  readonly sourcePartition: number;
  /** Decimal string: every event of the org before this offset is folded in. */
  readonly nextOffset: string;
  readonly ledger: SegmentedLedgerState;
}

const COLUMNS: [string, ...string[]] = [
  'org', 'source_partition', 'next_offset', 'tree_size', 'frontier', 'chain_head', 'last_event_time', 'checkpoint_size', 'segment_bucket',
];

export async function insertLedgerStates(store: Store, states: readonly LedgerStateRecord[]): Promise<void> {
  if (!states.length) return;
  const values = states.map((s) => [
    s.org, s.sourcePartition, s.nextOffset, s.ledger.fold.range.size, s.ledger.fold.range.hashes.map(toHex), toHex(s.ledger.fold.chainHead),
    s.ledger.fold.lastEventTime, s.ledger.checkpointSize, s.ledger.segmentBucket,
  ]);
  try {
    await store.client.insert({ table: 'audit_ledger_state', columns: COLUMNS, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${states.length} audit_ledger_state rows`);
  }
}

interface StateJson {
  org: string;
  source_partition: number;
  next_text: string;
  size_text: string;
  frontier: string[];
  chain_head: string;
  last_ms: string;
  checkpoint_text: string;
  bucket_text: string | null;
}

function hash(hex: string, org: string): Hash {
  const h = fromHexStrict(hex);
  if (h === undefined || h.length !== 32) throw new StoreError('QUERY_FAILED', `audit_ledger_state of ${org} holds a malformed hash`, false);
  return h;
}

/** The current state of each org that has one. */
export async function queryLedgerStates(store: Store, orgs: readonly string[]): Promise<Map<string, LedgerStateRecord>> {
  const out = new Map<string, LedgerStateRecord>();
  if (!orgs.length) return out;
  let rows: StateJson[];
  try {
    const rs = await store.client.query({
      query: `SELECT org, source_partition, toString(next_offset) AS next_text, toString(tree_size) AS size_text, frontier, chain_head,
                     toString(last_event_time) AS last_ms, toString(checkpoint_size) AS checkpoint_text,
                     toString(segment_bucket) AS bucket_text
              FROM audit_ledger_state FINAL WHERE org IN {orgs:Array(String)}`,
      query_params: { orgs },
      format: 'JSONEachRow',
    });
    rows = await rs.json<StateJson>();
  } catch (err) {
    throw toStoreError(err, `reading the ledger state of ${orgs.length} orgs`);
  }
  for (const r of rows) {
    out.set(r.org, {
      org: r.org,
      sourcePartition: r.source_partition,
      nextOffset: r.next_text,
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
    });
  }
  return out;
}
