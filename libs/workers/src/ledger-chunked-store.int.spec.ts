// A flush stored in chunks (fold of one chunk overlapping the insert of the
// one before) against the embedded engine: what lands in the tables is what
// one fold of the whole flush stores, text included byte for byte.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SigningKeys, signerKeyFromSeed, toHex, verifyLedger, type LedgerEvent } from '@mcpg/ledger';
import { queryAllCheckpoints, queryLedgerRows, queryLedgerStates, queryStoredLeaves, storedInclusionProof, type Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { foldAndStoreLedger, foldLedgerBatch, storeLedgerWrites } from './ledger-fold-batch.ts';
import type { PendingLedgerEvent } from './ledger-event.ts';

const keys = new SigningKeys([{ key: signerKeyFromSeed('test.invalid/chunks', new Uint8Array(32).fill(5)), window: { notBefore: null, notAfter: null } }]);
const segments = { rows: 5, seconds: 3600 };
const T0 = Date.UTC(2026, 7, 1);
// Text a hand-written JSON encoder could get wrong: quotes, backslashes,
// control characters, non-ASCII (2-, 3- and 4-byte UTF-8), '' next to NULL.
const TEXTS = ['plain', 'say "hi" \\ back\\slash', 'tab\tnew\nline\r\u0001\u001f', 'café — 日本語 😀', '', '{"k":[1,2,{"x":null}]}'];
const event = (org: string, i: number): LedgerEvent => ({
  org,
  event_id: `${org}-${i}`,
  workspace: 'prod',
  instance: 'gw-1',
  occurred_at: T0 + i * 1000,
  action: 'tool.call',
  actor: `agent-${i % 3}`,
  resource: 'github__create_issue',
  decision: 'permit',
  outcome: 'ok',
  latency_us: i % 4 === 0 ? null : 1000 + i,
  arguments: TEXTS[i % TEXTS.length]!,
  response: i % 2 ? null : TEXTS[(i + 1) % TEXTS.length]!,
  error: i % 5 === 0 ? '' : null,
  trace_id: i % 3 ? null : 'a'.repeat(32),
});
// Two orgs interleaved in one partition.
const pending: PendingLedgerEvent[] = Array.from({ length: 37 }, (_, i) => ({ event: event(i % 2 ? 'b' : 'a', i >> 1), partition: 2, offset: String(100 + i), routedPartition: 0 }));

let chunked: Store;
let whole: Store;

before(async () => {
  [chunked, whole] = await Promise.all([createTestStore(), createTestStore()]);
  // Chunks of 4 events: 10 chunks, segments closing inside and across them.
  await foldAndStoreLedger(chunked, pending, new Map(), segments, keys, 4);
  await storeLedgerWrites(whole, foldLedgerBatch(pending, new Map(), segments, keys));
});

after(async () => {
  await Promise.all([chunked?.close(), whole?.close()]);
});

const rowsOf = async (store: Store, org: string) =>
  (await queryLedgerRows(store, { org, fromSeq: 0, toSeq: 1000 })).map((r) => ({ ...r.row, seq: r.row.seq.toString(), leaf: toHex(r.leafHash), prev: toHex(r.prevHash) }));

test('chunked and whole-flush stores hold the same rows, checkpoints, nodes and states', async () => {
  for (const org of ['a', 'b']) {
    const rows = await rowsOf(chunked, org);
    assert.equal(rows.length, org === 'a' ? 19 : 18);
    assert.deepEqual(rows, await rowsOf(whole, org));
    assert.deepEqual(await queryAllCheckpoints(chunked, org), await queryAllCheckpoints(whole, org));
    assert.deepEqual([...(await queryStoredLeaves(chunked, org, 0, 1000))], [...(await queryStoredLeaves(whole, org, 0, 1000))]);
    assert.deepEqual((await storedInclusionProof(chunked, org, 3, 15)).map(toHex), (await storedInclusionProof(whole, org, 3, 15)).map(toHex));
  }
  const states = await queryLedgerStates(chunked, ['a', 'b']);
  assert.deepEqual(states, await queryLedgerStates(whole, ['a', 'b']));
  assert.deepEqual(states.get('b')?.sources, [{ partition: 2, next: '136' }], 'resumes after the last event of the org');
});

test('stored text is the event text byte for byte, and the stored ledger verifies', async () => {
  const rows = await queryLedgerRows(chunked, { org: 'a', fromSeq: 0, toSeq: 1000 });
  rows.forEach((r, i) => {
    const e = event('a', i);
    assert.equal(r.row.arguments, e.arguments, `arguments of seq ${i}`);
    assert.equal(r.row.response, e.response, `response of seq ${i}`);
    assert.equal(r.row.error, e.error, `error of seq ${i}`);
    assert.equal(r.row.latency_us, e.latency_us, `latency_us of seq ${i}`);
  });
  const verdict = verifyLedger({ org: 'a', rows, checkpoints: (await queryAllCheckpoints(chunked, 'a')).map((c) => c.note), keyring: keys.keyring() });
  assert.ok(verdict.ok, verdict.ok ? '' : verdict.error.message);
  assert.equal(verdict.signedSize, 15);
});
