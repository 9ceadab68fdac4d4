// audit_checkpoints: the signed notes, with their fields as columns for
// analysts. The note text is what an auditor verifies; the columns are a
// convenience and are never trusted by the verifier.
import type { SegmentClosedBy } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

export interface CheckpointRecord {
  readonly org: string;
  readonly treeSize: number;
  readonly firstSeq: number;
  /** Lower-case hex. */
  readonly root: string;
  readonly chainHead: string;
  /** Epoch ms: occurred_at of the segment's last row. */
  readonly eventTime: number;
  readonly closedBy: SegmentClosedBy;
  readonly keyName: string;
  /** 8 lower-case hex digits. */
  readonly keyId: string;
  /** Base64 of key id ‖ signature, as in the note's signature line. */
  readonly signature: string;
  /** The signed note exactly as signed. */
  readonly note: string;
}

export async function insertCheckpoints(store: Store, rows: readonly CheckpointRecord[]): Promise<void> {
  if (!rows.length) return;
  const values = rows.map((c) => [
    c.org, c.treeSize, c.firstSeq, c.treeSize - 1, c.root, c.chainHead, c.eventTime, c.closedBy, c.keyName, c.keyId, c.signature, c.note,
  ]);
  const columns: [string, ...string[]] = [
    'org', 'tree_size', 'first_seq', 'last_seq', 'root', 'chain_head', 'event_time', 'closed_by', 'key_name', 'key_id', 'signature', 'note',
  ];
  try {
    await store.client.insert({ table: 'audit_checkpoints', columns, values, format: 'JSONCompactEachRow' });
  } catch (err) {
    throw toStoreError(err, `inserting ${rows.length} audit_checkpoints rows`);
  }
}

const SELECT = `
SELECT org, toString(tree_size) AS size_text, toString(first_seq) AS first_text, root, chain_head,
       toUnixTimestamp64Milli(event_time) AS event_ms, closed_by, key_name, key_id, signature, note
FROM audit_checkpoints FINAL`; // aliases differ from columns: WHERE and ORDER BY compare numbers

interface CheckpointJson {
  org: string;
  size_text: string;
  first_text: string;
  root: string;
  chain_head: string;
  event_ms: number | string;
  closed_by: SegmentClosedBy;
  key_name: string;
  key_id: string;
  signature: string;
  note: string;
}

const toRecord = (r: CheckpointJson): CheckpointRecord => ({
  org: r.org,
  treeSize: Number(r.size_text),
  firstSeq: Number(r.first_text),
  root: r.root,
  chainHead: r.chain_head,
  eventTime: Number(r.event_ms),
  closedBy: r.closed_by,
  keyName: r.key_name,
  keyId: r.key_id,
  signature: r.signature,
  note: r.note,
});

export interface CheckpointQuery {
  readonly org: string;
  /** Newest first; at most this many. */
  readonly limit: number;
  /** Only checkpoints smaller than this tree size (for paging back through history). */
  readonly beforeSize?: number;
}

/** Checkpoints of an org, newest (largest) first. */
export async function queryCheckpoints(store: Store, q: CheckpointQuery): Promise<CheckpointRecord[]> {
  try {
    const rs = await store.client.query({
      query: `${SELECT} WHERE org = {org:String} AND tree_size < {before:UInt64} ORDER BY tree_size DESC LIMIT {limit:UInt32}`,
      query_params: { org: q.org, before: q.beforeSize ?? Number.MAX_SAFE_INTEGER, limit: q.limit },
      format: 'JSONEachRow',
    });
    return (await rs.json<CheckpointJson>()).map(toRecord);
  } catch (err) {
    throw toStoreError(err, `reading checkpoints of ${q.org}`);
  }
}

/** Every checkpoint of an org, oldest first (what an export carries). */
export async function queryAllCheckpoints(store: Store, org: string): Promise<CheckpointRecord[]> {
  try {
    const rs = await store.client.query({ query: `${SELECT} WHERE org = {org:String} ORDER BY tree_size`, query_params: { org }, format: 'JSONEachRow' });
    return (await rs.json<CheckpointJson>()).map(toRecord);
  } catch (err) {
    throw toStoreError(err, `reading checkpoints of ${org}`);
  }
}

/** The checkpoint of exactly this tree size, if one was signed. */
export async function queryCheckpointAt(store: Store, org: string, treeSize: number): Promise<CheckpointRecord | undefined> {
  try {
    const rs = await store.client.query({
      query: `${SELECT} WHERE org = {org:String} AND tree_size = {size:UInt64} LIMIT 1`,
      query_params: { org, size: treeSize },
      format: 'JSONEachRow',
    });
    const [r] = await rs.json<CheckpointJson>();
    return r && toRecord(r);
  } catch (err) {
    throw toStoreError(err, `reading the checkpoint of size ${treeSize} of ${org}`);
  }
}

/** The smallest checkpoint covering at least `size` rows (the one a range verify checks against). */
export async function queryCheckpointCovering(store: Store, org: string, size: number): Promise<CheckpointRecord | undefined> {
  try {
    const rs = await store.client.query({
      query: `${SELECT} WHERE org = {org:String} AND tree_size >= {size:UInt64} ORDER BY tree_size LIMIT 1`,
      query_params: { org, size },
      format: 'JSONEachRow',
    });
    const [r] = await rs.json<CheckpointJson>();
    return r && toRecord(r);
  } catch (err) {
    throw toStoreError(err, `reading checkpoints of ${org}`);
  }
}

/** Checkpoints with minSize ≤ tree_size ≤ maxSize, oldest first (the ones a range verify checks). */
export async function queryCheckpointsBetween(store: Store, org: string, minSize: number, maxSize: number): Promise<CheckpointRecord[]> {
  try {
    const rs = await store.client.query({
      query: `${SELECT} WHERE org = {org:String} AND tree_size >= {lo:UInt64} AND tree_size <= {hi:UInt64} ORDER BY tree_size`,
      query_params: { org, lo: minSize, hi: maxSize },
      format: 'JSONEachRow',
    });
    return (await rs.json<CheckpointJson>()).map(toRecord);
  } catch (err) {
    throw toStoreError(err, `reading checkpoints of ${org}`);
  }
}
