import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentedLedger, type ClosedSegment } from './segmented-ledger.ts';
import { T0, sampleEvent } from './sample-events.testing.ts';
import type { LedgerEvent } from './ledger-row.ts';

const at = (i: number, ms: number): LedgerEvent => ({ ...sampleEvent('acme', i), occurred_at: ms });
const summary = (c: ClosedSegment) => `${c.firstSeq}..${c.checkpoint.size - 1}:${c.closedBy}`;

function run(ledger: SegmentedLedger, events: readonly LedgerEvent[]): string[] {
  return events.flatMap((e) => ledger.append(e).closed.map(summary));
}

test('a segment closes after the configured number of rows', () => {
  const ledger = new SegmentedLedger('acme', { rows: 3, seconds: 3600 });
  const events = Array.from({ length: 7 }, (_, i) => at(i, T0 + i));
  assert.deepEqual(run(ledger, events), ['0..2:rows', '3..5:rows']);
});

test('a row in a later event-time bucket closes the open segment before it is appended', () => {
  const ledger = new SegmentedLedger('acme', { rows: 100, seconds: 10 });
  // buckets: 0 0 0 | 1 | (an earlier, late-arriving time stays in the segment) 1 | 3
  const times = [0, 2_000, 9_999, 10_000, 4_000, 35_000].map((t) => T0 + t);
  assert.deepEqual(run(ledger, times.map((t, i) => at(i, t))), ['0..2:time', '3..4:time']);
  assert.equal(ledger.state().checkpointSize, 5);
});

test('the checkpoint is stamped with the last row’s event time, never the clock', () => {
  const ledger = new SegmentedLedger('acme', { rows: 2, seconds: 60 });
  ledger.append(at(0, T0 + 5));
  const [closed] = ledger.append(at(1, T0 + 7)).closed;
  assert.equal(closed?.checkpoint.eventTime, T0 + 7);
  assert.equal(closed?.checkpoint.size, 2);
});

test('resuming from a saved state cuts the same segments with the same roots as one uninterrupted run', () => {
  const policy = { rows: 5, seconds: 7 };
  const events = Array.from({ length: 40 }, (_, i) => at(i, T0 + i * 1300));
  const whole = new SegmentedLedger('acme', policy);
  const expected = events.flatMap((e) => whole.append(e).closed.map((c) => [summary(c), Buffer.from(c.checkpoint.root).toString('hex')]));
  for (const cut of [1, 4, 5, 13, 39]) {
    const first = new SegmentedLedger('acme', policy);
    const got = events.slice(0, cut).flatMap((e) => first.append(e).closed.map((c) => [summary(c), Buffer.from(c.checkpoint.root).toString('hex')]));
    const resumed = new SegmentedLedger('acme', policy, first.state());
    for (const e of events.slice(cut)) got.push(...resumed.append(e).closed.map((c) => [summary(c), Buffer.from(c.checkpoint.root).toString('hex')]));
    assert.deepEqual(got, expected, `cut after ${cut} rows`);
  }
});

test('a policy without rows or seconds is refused', () => {
  assert.throws(() => new SegmentedLedger('acme', { rows: 0, seconds: 60 }), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => new SegmentedLedger('acme', { rows: 10, seconds: 0.5 }), { code: 'INVALID_ARGUMENT' });
});
