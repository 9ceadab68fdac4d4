// The worker's fold of one flush, without a bus or a store: deterministic,
// resumable from a stored state, deaf to the router's re-sends, and unwilling
// to fork a chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SigningKeys, signerKeyFromSeed, toHex, type LedgerEvent } from '@mcpg/ledger';
import type { LedgerStateRecord } from '@mcpg/store';
import { foldLedgerBatch, type LedgerWrites } from './ledger-fold-batch.ts';
import type { PendingLedgerEvent } from './ledger-event.ts';

const keys = new SigningKeys([{ key: signerKeyFromSeed('test.invalid/unit', new Uint8Array(32).fill(3)), window: { notBefore: null, notAfter: null } }]);
const segments = { rows: 4, seconds: 3600 };
const T0 = Date.UTC(2026, 6, 1);
const event = (org: string, i: number): LedgerEvent => ({
  org, event_id: `${org}-${i}`, workspace: 'w', instance: 'g', occurred_at: T0 + i, action: 'tool.call', actor: 'a', resource: 'r',
  decision: 'permit', outcome: 'ok', latency_us: null, arguments: null, response: null, error: null, trace_id: null,
});
// Two orgs interleaved in one source partition, offsets 0..19, routed to partition 1.
const pending: PendingLedgerEvent[] = Array.from({ length: 20 }, (_, i) => ({ event: event(i % 2 ? 'b' : 'a', i >> 1), partition: 3, offset: String(i), routedPartition: 1 }));
const summary = (w: LedgerWrites) => ({
  rows: w.rows.map((r) => `${r.row.org}:${r.row.seq}:${toHex(r.leafHash).slice(0, 8)}@${r.sourceOffset}`),
  checkpoints: w.checkpoints.map((c) => c.note),
  states: w.states.map((s) => `${s.org}:${s.sources.map((p) => `${p.partition}@${p.next}`).join('+')}:${s.ledger.fold.range.size}`),
});

test('the same events give byte-identical rows, checkpoints and states', () => {
  const a = foldLedgerBatch(pending, new Map(), segments, keys);
  const b = foldLedgerBatch(pending, new Map(), segments, keys);
  assert.deepEqual(summary(a), summary(b));
  assert.equal(a.checkpoints.length, 4, 'two segments of 4 rows per org');
  assert.deepEqual(summary(a).states, ['a:3@19:10', 'b:3@20:10']);
});

test('a flush resumed from a stored state skips what it already folded and continues the chain', () => {
  const whole = foldLedgerBatch(pending, new Map(), segments, keys);
  const first = foldLedgerBatch(pending.slice(0, 9), new Map(), segments, keys);
  const stored = new Map<string, LedgerStateRecord>(first.states.map((s) => [s.org, s]));
  // Re-delivered from offset 5 (the committed offset was older than the stored state).
  const second = foldLedgerBatch(pending.slice(5), stored, segments, keys);
  assert.deepEqual(
    { rows: [...summary(first).rows, ...summary(second).rows], checkpoints: [...summary(first).checkpoints, ...summary(second).checkpoints] },
    { rows: summary(whole).rows, checkpoints: summary(whole).checkpoints },
  );
});

test('an org in two source partitions is one chain in the routed order, and copies the router sent again are skipped', () => {
  // Org a from two producers with different partitioners: source partitions 3 and 4.
  const routed: PendingLedgerEvent[] = Array.from({ length: 12 }, (_, i) => ({ event: event('a', i), partition: 3 + (i % 2), offset: String(100 + (i >> 1)), routedPartition: 1 }));
  const once = foldLedgerBatch(routed, new Map(), segments, keys);
  assert.deepEqual(summary(once).rows.map((r) => r.split(':').slice(0, 2).join(':')), Array.from({ length: 12 }, (_, i) => `a:${i}`));
  assert.deepEqual(summary(once).states, ['a:3@106+4@106:12']);
  // The router crashed after sending events 0..7 and sent 4..11 again: the log holds 0..7, 4..11.
  const first = foldLedgerBatch(routed.slice(0, 8), new Map(), segments, keys);
  const stored = new Map<string, LedgerStateRecord>(first.states.map((s) => [s.org, s]));
  const second = foldLedgerBatch(routed.slice(4), stored, segments, keys);
  assert.deepEqual([...summary(first).rows, ...summary(second).rows], summary(once).rows, 'each event once, at the seq of its first copy');
  assert.deepEqual([...summary(first).checkpoints, ...summary(second).checkpoints], summary(once).checkpoints);
  // ...and in one flush too.
  assert.deepEqual(summary(foldLedgerBatch([...routed.slice(0, 8), ...routed.slice(4)], new Map(), segments, keys)), summary(once));
});

test('an org whose routed partition changes stops the worker instead of forking the chain', () => {
  const first = foldLedgerBatch(pending.slice(0, 4), new Map(), segments, keys);
  const stored = new Map<string, LedgerStateRecord>(first.states.map((s) => [s.org, s]));
  assert.throws(() => foldLedgerBatch([{ event: event('a', 9), partition: 3, offset: '30', routedPartition: 2 }], stored, segments, keys), {
    code: 'INVALID_ARGUMENT',
    message: /partition count of mcpg\.audit\.by-org\.v1 must not change/,
  });
});

test('a state from before the router (no routed partition) goes on from its source offset', () => {
  const first = foldLedgerBatch(pending.slice(0, 10), new Map(), segments, keys);
  const legacy = new Map<string, LedgerStateRecord>(first.states.map((s) => [s.org, { ...s, routedPartition: null }]));
  const whole = foldLedgerBatch(pending, new Map(), segments, keys);
  const rest = foldLedgerBatch(pending.map((p) => ({ ...p, routedPartition: 5 })), legacy, segments, keys);
  assert.deepEqual([...summary(first).rows, ...summary(rest).rows], summary(whole).rows);
  assert.deepEqual(rest.states.map((s) => s.routedPartition), [5, 5]);
});

test('an event time no signing key covers stops the worker (nothing is left unsigned silently)', () => {
  const late = new SigningKeys([{ key: signerKeyFromSeed('test.invalid/unit', new Uint8Array(32).fill(3)), window: { notBefore: T0 + 1000, notAfter: null } }]);
  assert.throws(() => foldLedgerBatch(pending, new Map(), segments, late), { code: 'EXPIRED_KEY' });
});
