// The ledger's repositories on the embedded engine: rows come back exactly as
// appended (null vs '', 64-bit seq, millisecond times), proofs from stored
// nodes equal the in-memory ones and verify against the root, states resume.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SegmentedLedger,
  consistencyProof,
  inclusionProof,
  subtreeHasherFromLeaves,
  toHex,
  verifyConsistency,
  verifyInclusion,
  type Hash,
  type LedgerEvent,
} from '@mcpg/ledger';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestStore } from '../testing.ts';
import type { Store } from '../create-store.ts';
import {
  insertCheckpoints,
  insertLedgerRows,
  insertLedgerStates,
  insertMerkleNodes,
  queryAllCheckpoints,
  queryCheckpointCovering,
  queryLedgerRowSpan,
  queryLedgerRows,
  queryLedgerStates,
  storedConsistencyProof,
  storedInclusionProof,
  type MerkleNodeRow,
  type StoredLedgerRow,
  LEDGER_ROW_COLUMNS,
  MERKLE_NODE_COLUMNS,
  encodeLedgerRowsJson,
  encodeMerkleNodesJson,
} from './index.ts';
import { insertJsonLines } from './encoded-insert.ts';

let store: Store;
/** Hashes as hex, so Buffers and Uint8Arrays with the same bytes compare equal. */
const hex = (value: unknown): unknown =>
  value instanceof Uint8Array ? toHex(value) : Array.isArray(value) ? value.map(hex)
    : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hex(v)])) : value;
const ORG = 'acme';
const T0 = Date.UTC(2026, 0, 1);
const event = (i: number): LedgerEvent => ({
  org: ORG,
  event_id: `e-${i}`,
  workspace: 'prod',
  instance: 'gw-1',
  occurred_at: T0 + i * 1001,
  action: 'tool.call',
  actor: `user-${i % 3}`,
  resource: i % 2 ? 'github__create_pr' : '',
  decision: 'permit',
  outcome: 'ok',
  latency_us: i % 3 === 0 ? null : -i,
  arguments: i % 4 === 0 ? '' : i % 4 === 1 ? null : `{"q":"é ${i}"}`,
  response: null,
  error: i % 5 === 0 ? '' : null,
  trace_id: null,
});

const ledger = new SegmentedLedger(ORG, { rows: 8, seconds: 3600 });
const rows: StoredLedgerRow[] = [];
const nodes: MerkleNodeRow[] = [];
const leaves: Hash[] = [];

// What a killed process would have left behind (encoded-insert.ts).
let staleInsertFile: string;

before(async () => {
  store = await createTestStore();
  mkdirSync(join(store.location, 'ledger-inserts'), { recursive: true });
  staleInsertFile = join(store.location, 'ledger-inserts', 'audit_log-left-by-a-killed-process.bin');
  writeFileSync(staleInsertFile, 'x');
  for (let i = 0; i < 37; i++) {
    const completed: Hash[] = [];
    const { appended } = ledger.append(event(i), (_level, _index, hash) => completed.push(hash));
    rows.push({ ...appended, sourcePartition: 2, sourceOffset: String(100 + i) });
    nodes.push({ org: ORG, seq: i, nodes: completed });
    leaves.push(appended.leafHash);
  }
  await insertLedgerRows(store, rows);
  await insertMerkleNodes(store, nodes);
});
after(() => store.close());

test('rows read back byte for byte as appended, in seq order, re-inserts folded', async () => {
  await insertLedgerRows(store, rows.slice(5, 9)); // a replay after a crash
  const back = await queryLedgerRows(store, { org: ORG, fromSeq: 0, toSeq: 1000 });
  assert.equal(back.length, rows.length);
  assert.deepEqual(hex(back), hex(rows.map(({ row, leafHash, prevHash }) => ({ row, leafHash, prevHash }))));
  assert.deepEqual(await queryLedgerRowSpan(store, ORG), { rows: 37, minSeq: 0, maxSeq: 36 });
  assert.deepEqual(await queryLedgerRowSpan(store, 'nobody'), { rows: 0, minSeq: null, maxSeq: null });
  assert.equal((await queryLedgerRows(store, { org: ORG, fromSeq: 10, toSeq: 12 })).map((r) => r.row.seq).join(), '10,11');
});

test('rows whose encoded bytes hold blank lines, long and multi-byte text come back exactly', async () => {
  // latency 2570 and offset 2570 are the bytes 0a 0a; strings of 43+ UTF-16
  // units and of 5,462+ get longer length prefixes than their upper bound;
  // ASCII of 128+ and 16,384+ bytes takes 2- and 3-byte prefixes.
  const org = 'bytes';
  const own = new SegmentedLedger(org, { rows: 1000, seconds: 3600 });
  const texts = ['\n\n', 'x'.repeat(127), 'y'.repeat(300), 'é'.repeat(64), '😀'.repeat(3000), 'a'.repeat(20_000), '\u0000\n\n\r\t"\\'];
  const stored: StoredLedgerRow[] = texts.map((text, i) => {
    const { appended } = own.append({ ...event(i), org, latency_us: i === 0 ? 2570 : -2570, arguments: text, response: texts[(i + 1) % texts.length]!, error: text.slice(0, 50) });
    return { ...appended, sourcePartition: 0x0a0a, sourceOffset: String(2570 + i) };
  });
  await insertLedgerRows(store, stored);
  const back = await queryLedgerRows(store, { org, fromSeq: 0, toSeq: 100 });
  assert.deepEqual(hex(back), hex(stored.map(({ row, leafHash, prevHash }) => ({ row, leafHash, prevHash }))));
});

test('the JSON lines a ClickHouse server is sent store the same rows and nodes', async () => {
  // The embedded engine reads RowBinary; a server gets JSONCompactEachRow
  // over HTTP. The engine parses that format the same way either side, so the
  // lines go in here through the text path and must give back every byte.
  const org = 'json-lines';
  const own = new SegmentedLedger(org, { rows: 1000, seconds: 3600 });
  const texts = ['\n\n', 'é'.repeat(64), '😀'.repeat(300), '\u0000\r\t"\\', 'plain'];
  const stored: StoredLedgerRow[] = [];
  const ownNodes: MerkleNodeRow[] = [];
  const ownLeaves: Hash[] = [];
  texts.forEach((text, i) => {
    const completed: Hash[] = [];
    const { appended } = own.append({ ...event(i), org, latency_us: i % 2 ? null : -2570, arguments: text, response: i % 2 ? null : text }, (_l, _i, h) => completed.push(h));
    stored.push({ ...appended, sourcePartition: 1, sourceOffset: String(2 ** 53 + i) });
    ownNodes.push({ org, seq: i, nodes: completed });
    ownLeaves.push(appended.leafHash);
  });
  await insertJsonLines(store, 'audit_log', LEDGER_ROW_COLUMNS, encodeLedgerRowsJson(stored));
  await insertJsonLines(store, 'audit_merkle_nodes', MERKLE_NODE_COLUMNS, encodeMerkleNodesJson(ownNodes));
  const back = await queryLedgerRows(store, { org, fromSeq: 0, toSeq: 100 });
  assert.deepEqual(hex(back), hex(stored.map(({ row, leafHash, prevHash }) => ({ row, leafHash, prevHash }))));
  const mth = subtreeHasherFromLeaves(ownLeaves);
  assert.deepEqual(hex(await storedInclusionProof(store, org, 1, 5)), hex(inclusionProof(1, 5, mth)));
  assert.deepEqual(hex(await storedConsistencyProof(store, org, 2, 5)), hex(consistencyProof(2, 5, mth)));
});

test('insert files do not pile up in the data directory', () => {
  assert.equal(existsSync(staleInsertFile), false, 'a file left by a killed process is removed');
  assert.deepEqual(readdirSync(join(store.location, 'ledger-inserts')), [], 'each insert removes its own file');
});

test('proofs from stored nodes are the RFC 9162 proofs and verify against the root', async () => {
  const mth = subtreeHasherFromLeaves(leaves);
  for (const [index, size] of [[0, 1], [5, 16], [36, 37], [17, 33], [0, 37]] as const) {
    const proof = await storedInclusionProof(store, ORG, index, size);
    assert.deepEqual(hex(proof), hex(inclusionProof(index, size, mth)), `inclusion ${index} in ${size}`);
    assert.ok(verifyInclusion(index, size, leaves[index] as Hash, proof, mth(0, size)));
  }
  for (const [from, to] of [[1, 37], [8, 16], [13, 37], [37, 37]] as const) {
    const proof = await storedConsistencyProof(store, ORG, from, to);
    assert.deepEqual(hex(proof), hex(consistencyProof(from, to, mth)), `consistency ${from} → ${to}`);
    assert.ok(verifyConsistency(from, to, mth(0, from), mth(0, to), proof));
  }
  await assert.rejects(storedInclusionProof(store, ORG, 37, 37), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(storedInclusionProof(store, ORG, 3, 64), { code: 'QUERY_FAILED' }, 'nodes beyond the stored tree');
});

test('checkpoints and the resume state round-trip', async () => {
  await insertCheckpoints(store, [
    { org: ORG, treeSize: 8, firstSeq: 0, root: 'aa', chainHead: 'bb', eventTime: T0 + 7007, closedBy: 'rows', keyName: 'k', keyId: '01020304', signature: 's', note: 'n8\n' },
    { org: ORG, treeSize: 16, firstSeq: 8, root: 'cc', chainHead: 'dd', eventTime: T0 + 15015, closedBy: 'time', keyName: 'k', keyId: '01020304', signature: 's', note: 'n16\n' },
  ]);
  assert.deepEqual((await queryAllCheckpoints(store, ORG)).map((c) => [c.treeSize, c.firstSeq, c.eventTime, c.closedBy, c.note]), [
    [8, 0, T0 + 7007, 'rows', 'n8\n'],
    [16, 8, T0 + 15015, 'time', 'n16\n'],
  ]);
  assert.equal((await queryCheckpointCovering(store, ORG, 9))?.treeSize, 16);
  assert.equal(await queryCheckpointCovering(store, ORG, 17), undefined);

  const state = ledger.state();
  const sources = [{ partition: 2, next: '137' }, { partition: 5, next: '9' }];
  await insertLedgerStates(store, [{ org: ORG, routedPartition: 1, sources, ledger: state }]);
  await insertLedgerStates(store, [{ org: ORG, routedPartition: 1, sources: [{ partition: 2, next: '120' }], ledger: new SegmentedLedger(ORG, { rows: 8, seconds: 3600 }).state() }]);
  const got = (await queryLedgerStates(store, [ORG, 'nobody'])).get(ORG);
  assert.deepEqual(got?.sources, sources, 'the state with the most rows is current, whatever the order of the inserts');
  assert.equal(got?.routedPartition, 1);
  assert.deepEqual(hex(got?.ledger), hex(state));
  const resumed = new SegmentedLedger(ORG, { rows: 8, seconds: 3600 }, got?.ledger);
  const next = resumed.append(event(37)).appended;
  assert.equal(next.row.seq, 37n);
  assert.equal(toHex(next.leafHash), toHex(ledger.append(event(37)).appended.leafHash));
});

test('a state written before 020 (one source partition) is read as the resume point until a newer one exists', async () => {
  const org = 'legacy-org';
  const state = new SegmentedLedger(org, { rows: 8, seconds: 3600 }).state();
  await store.client.insert({
    table: 'audit_ledger_state',
    columns: ['org', 'source_partition', 'next_offset', 'tree_size', 'frontier', 'chain_head', 'last_event_time', 'checkpoint_size', 'segment_bucket'],
    values: [[org, 4, '5000', 0, [], toHex(state.fold.chainHead), 0, 0, null]],
    format: 'JSONCompactEachRow',
  });
  const legacy = (await queryLedgerStates(store, [org])).get(org);
  assert.deepEqual({ routed: legacy?.routedPartition, sources: legacy?.sources }, { routed: null, sources: [{ partition: 4, next: '5000' }] });
  await insertLedgerStates(store, [{ org, routedPartition: 3, sources: [{ partition: 4, next: '5001' }], ledger: state }]);
  assert.deepEqual((await queryLedgerStates(store, [org])).get(org)?.sources, [{ partition: 4, next: '5001' }]);
});

test('a closed store refuses ledger inserts instead of opening the engine again', async () => {
  const other = await createTestStore();
  await other.close();
  await assert.rejects(insertLedgerRows(other, rows.slice(0, 1)), (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'STORE_CLOSED');
  await assert.rejects(insertMerkleNodes(other, nodes.slice(0, 1)), (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'STORE_CLOSED');
});
