// The RowBinary transcoded from the fold's canonical bytes is byte for byte
// what the row encoders write for the same rows: text of every UTF-8 width
// and of lengths that need 1-, 2- and 3-byte length prefixes, '' next to
// NULL, negative times, and node rows of every height.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LedgerFold, ledgerRowFromEvent, type Hash, type LedgerEvent } from '@mcpg/ledger';
import { StoreError } from '../errors.ts';
import { LedgerInsertChunk } from './ledger-insert-chunk.ts';
import { encodeLedgerRowsRowBinary, type StoredLedgerRow } from './ledger-rows.ts';
import { encodeMerkleNodesRowBinary, type MerkleNodeRow } from './merkle-nodes.ts';

const TEXTS = ['plain', 'say "hi" \\ back\\slash', 'tab\tnew\nline\r\u0001', 'café — 日本語 😀', '', 'x'.repeat(127), 'y'.repeat(128), 'é'.repeat(9000), 'z'.repeat(20_000)];
const event = (org: string, i: number): LedgerEvent => ({
  org,
  event_id: `${org}-${i}-${TEXTS[i % 4]}`,
  workspace: i % 3 ? 'prod' : 'ünïcode',
  instance: 'gw-1',
  occurred_at: (i % 5 === 0 ? -1 : 1) * (Date.UTC(2026, 7, 1) + i * 1000),
  action: 'tool.call',
  actor: TEXTS[(i + 2) % TEXTS.length]!,
  resource: 'github__create_issue',
  decision: 'permit',
  outcome: 'ok',
  latency_us: i % 4 === 0 ? null : (i % 3 ? 1 : -1) * (1000 + i * 2 ** 40),
  arguments: i % 7 === 0 ? null : TEXTS[i % TEXTS.length]!,
  response: i % 2 ? null : TEXTS[(i + 1) % TEXTS.length]!,
  error: i % 5 === 0 ? '' : null,
  trace_id: i % 3 ? null : 'a'.repeat(32),
});

test('rows and node rows transcoded from the canonical bytes equal the encoders of the same rows', () => {
  const chunk = new LedgerInsertChunk();
  const rows: StoredLedgerRow[] = [];
  const nodes: MerkleNodeRow[] = [];
  // Two orgs, one resumed mid-tree: seqs with long runs of trailing ones.
  const folds = { a: new LedgerFold('a'), 'org-b': new LedgerFold('org-b') };
  for (let i = 0; i < 70; i++) {
    const org = i % 3 ? 'a' : 'org-b';
    const e = event(org, i);
    const completed: Hash[] = [];
    chunk.beginRow(org);
    const leaf = folds[org].appendLeaf(e, (level, index, hash) => {
      completed.push(hash);
      chunk.visit(level, index, hash);
    });
    chunk.row(leaf, i % 2, String(2 ** 53 + i * 1000));
    rows.push({ row: ledgerRowFromEvent(e, BigInt(leaf.seq)), leafHash: leaf.leafHash, prevHash: leaf.prevHash, sourcePartition: i % 2, sourceOffset: String(2 ** 53 + i * 1000) });
    nodes.push({ org, seq: leaf.seq, nodes: completed });
  }
  assert.equal(chunk.rowCount, 70);
  assert.ok(nodes.some((n) => n.nodes.length >= 5), 'node rows of several heights');
  assert.deepEqual(chunk.rowsBody(), encodeLedgerRowsRowBinary(rows));
  assert.deepEqual(chunk.nodesBody(), encodeMerkleNodesRowBinary(nodes));
  chunk.reset();
  assert.equal(chunk.rowsBody().length, 0);
  assert.equal(chunk.rowCount, 0);
});

test('appendLeaf gives the hashes append gives, and its bytes are the encoder’s', () => {
  const byRow = new LedgerFold('a');
  const byLeaf = new LedgerFold('a');
  for (let i = 0; i < 9; i++) {
    const r = byRow.append(event('a', i));
    const l = byLeaf.appendLeaf(event('a', i));
    assert.deepEqual([l.seq, l.leafHash, l.prevHash], [Number(r.row.seq), r.leafHash, r.prevHash]);
  }
  assert.deepEqual(byLeaf.state(), byRow.state());
});

test('a node row missing hashes is refused, not written short', () => {
  const chunk = new LedgerInsertChunk();
  const h = new Uint8Array(32);
  chunk.beginRow('a');
  // Seq 3 completes three nodes (the leaf, levels 1 and 2); only the leaf comes.
  chunk.visit(0, 3, h);
  assert.throws(() => chunk.nodesBody(), (err: unknown) => err instanceof StoreError && /missing 2 hashes/.test(err.message));
  assert.throws(() => chunk.visit(0, 4, h), (err: unknown) => err instanceof StoreError && /missing 2 hashes/.test(err.message));
});
