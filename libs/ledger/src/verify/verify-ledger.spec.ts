// Every kind of tampering, done the way an operator with SQL access would,
// must produce its own code naming the right seq; an honest ledger verifies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyLedger, chainHash, rowLeafHash, type ExportedRow, type VerifyResult } from '../index.ts';
import { buildLedger, bySeq, keyring, rehashLeaf, withRow, ORG, type Ledger } from './ledger-fixture.testing.ts';

const honest = buildLedger();
const run = (l: Ledger, extra: Partial<Parameters<typeof verifyLedger>[0]> = {}): VerifyResult =>
  verifyLedger({ org: ORG, rows: l.rows, checkpoints: l.checkpoints, keyring, ...extra });
const tampered = (rows: ExportedRow[]): Ledger => ({ rows, checkpoints: honest.checkpoints });

function expectFailure(result: VerifyResult, code: string, seq: bigint | undefined): void {
  if (result.ok) assert.fail(`expected ${code} at seq ${seq}, but the ledger verified`);
  assert.equal(result.error.code, code, result.error.message);
  assert.equal(result.error.seq, seq, `${code}: ${result.error.message}`);
}

test('an honest ledger verifies; rows after the last checkpoint are counted as unsigned', () => {
  const r = run(honest);
  assert.ok(r.ok);
  assert.deepEqual([r.rows, r.signedSize, r.unsignedRows], [40, 40, 0]);
  const longer = buildLedger(ORG, 45);
  const r2 = run(longer);
  assert.ok(r2.ok);
  assert.deepEqual([r2.signedSize, r2.unsignedRows], [40, 5]);
});

test('edited row: content changed, stored hashes left alone', () => {
  const rows = honest.rows.map((r) => (r.row.seq === 17n ? withRow(r, { actor: 'mallory' }) : r));
  expectFailure(run(tampered(rows)), 'ROW_EDITED', 17n);
  const first = honest.rows.map((r) => (r.row.seq === 0n ? withRow(r, { arguments: '' }) : r));
  expectFailure(run(tampered(first)), 'ROW_EDITED', 0n);
});

test('edited row: the whole row replaced, stored hashes included', () => {
  const rows = honest.rows.map((r) =>
    r.row.seq === 17n ? { ...withRow(r, { actor: 'mallory' }), leafHash: new Uint8Array(32), prevHash: new Uint8Array(32) } : r,
  );
  expectFailure(run(tampered(rows)), 'ROW_EDITED', 17n);
});

test('edited row: content changed and its leaf hash recomputed', () => {
  const rows = honest.rows.map((r) => (r.row.seq === 17n ? rehashLeaf(withRow(r, { outcome: 'ok' })) : r));
  expectFailure(run(tampered(rows)), 'ROW_EDITED', 17n);
});

test('edited row: content changed and every later stored hash rewritten consistently', () => {
  let h = honest.rows[16]?.prevHash as Uint8Array;
  const rows = honest.rows.map((r) => {
    if (r.row.seq < 16n) return r;
    const row = r.row.seq === 16n ? { ...r.row, actor: 'mallory' } : r.row;
    const leafHash = rowLeafHash(row);
    const out = { row, leafHash, prevHash: h };
    h = chainHash(h, leafHash);
    return out;
  });
  // Only the signed root catches this; the interval since the last good checkpoint is named.
  const result = run(tampered(rows));
  expectFailure(result, 'ROW_EDITED', 10n);
  assert.equal(!result.ok && result.error.treeSize, 20);
});

test('a row that can no longer be encoded counts as edited', () => {
  const rows = honest.rows.map((r) => (r.row.seq === 5n ? withRow(r, { latency_us: 1.5 }) : r));
  const result = run(tampered(rows));
  expectFailure(result, 'ROW_EDITED', 5n);
  assert.equal(!result.ok && (result.error.cause as { code?: string }).code, 'INVALID_ROW');
});

test('deleted row: a gap in seq', () => {
  expectFailure(run(tampered(honest.rows.filter((r) => r.row.seq !== 23n))), 'ROW_DELETED', 23n);
  expectFailure(run(tampered(honest.rows.filter((r) => r.row.seq !== 23n && r.row.seq !== 24n))), 'ROW_DELETED', 23n);
});

test('deleted row, later seqs renumbered to close the gap', () => {
  const rows = honest.rows.filter((r) => r.row.seq !== 23n).map((r) => (r.row.seq > 23n ? withRow(r, { seq: r.row.seq - 1n }) : r));
  expectFailure(run(tampered(rows)), 'ROW_DELETED', 23n);
  const twice = honest.rows
    .filter((r) => r.row.seq !== 23n && r.row.seq !== 24n)
    .map((r) => (r.row.seq > 24n ? withRow(r, { seq: r.row.seq - 2n }) : r));
  expectFailure(run(tampered(twice)), 'ROW_DELETED', 23n);
});

test('deleted row, later seqs renumbered and their leaf hashes recomputed', () => {
  const rows = honest.rows
    .filter((r) => r.row.seq !== 23n)
    .map((r) => (r.row.seq > 23n ? rehashLeaf(withRow(r, { seq: r.row.seq - 1n })) : r));
  expectFailure(run(tampered(rows)), 'ROW_DELETED', 23n);
});

test('inserted row: a duplicate seq', () => {
  const forged = withRow(honest.rows[12] as ExportedRow, { actor: 'mallory', event_id: 'forged' });
  expectFailure(run(tampered(bySeq([...honest.rows, forged]))), 'ROW_INSERTED', 12n);
});

test('inserted row, later seqs renumbered to make room (forged hashes)', () => {
  const forged: ExportedRow = { ...withRow(honest.rows[12] as ExportedRow, { event_id: 'forged' }), leafHash: new Uint8Array(32) };
  const rows = [...honest.rows.map((r) => (r.row.seq >= 12n ? withRow(r, { seq: r.row.seq + 1n }) : r)), forged];
  expectFailure(run(tampered(bySeq(rows))), 'ROW_INSERTED', 12n);
});

test('inserted row with correctly computed hashes, later seqs renumbered', () => {
  const at = honest.rows[12] as ExportedRow;
  const forged = rehashLeaf(withRow(at, { event_id: 'forged' })); // prev_hash copied: links to seq 11
  const rows = [...honest.rows.map((r) => (r.row.seq >= 12n ? withRow(r, { seq: r.row.seq + 1n }) : r)), forged];
  expectFailure(run(tampered(bySeq(rows))), 'ROW_INSERTED', 12n);
});

test('inserted row appended after the last row', () => {
  const last = honest.rows[39] as ExportedRow;
  const forged: ExportedRow = { ...withRow(last, { seq: 40n, event_id: 'forged' }), prevHash: new Uint8Array(32).fill(7) };
  expectFailure(run(tampered([...honest.rows, forged])), 'ROW_INSERTED', 40n);
  const copiedLink = rehashLeaf({ ...forged, prevHash: last.prevHash });
  expectFailure(run(tampered([...honest.rows, copiedLink])), 'ROW_INSERTED', 40n);
  // With a correct link it is indistinguishable from a new, not yet signed row: the verdict says so.
  const linked = rehashLeaf({ ...forged, prevHash: chainHash(last.prevHash, last.leafHash) });
  const r = run(tampered([...honest.rows, linked]));
  assert.ok(r.ok);
  assert.deepEqual([r.signedSize, r.unsignedRows], [40, 1]);
});

test('reordered rows: two rows swapped their seq values', () => {
  const swap = (a: bigint, b: bigint) =>
    bySeq(honest.rows.map((r) => (r.row.seq === a ? withRow(r, { seq: b }) : r.row.seq === b ? withRow(r, { seq: a }) : r)));
  expectFailure(run(tampered(swap(7n, 8n))), 'ROWS_REORDERED', 7n);
  expectFailure(run(tampered(swap(7n, 15n))), 'ROWS_REORDERED', 7n);
});

test('reordered rows: the export lists a later row first', () => {
  const rows = [...honest.rows];
  [rows[7], rows[8]] = [rows[8] as ExportedRow, rows[7] as ExportedRow];
  expectFailure(run(tampered(rows)), 'ROWS_REORDERED', 7n);
});

test('reordered rows: a row moved to the end under a new seq', () => {
  const rows = bySeq(honest.rows.map((r) => (r.row.seq === 7n ? withRow(r, { seq: 40n }) : r)));
  expectFailure(run(tampered(rows)), 'ROWS_REORDERED', 7n);
});

test('dropped tail: fewer rows than the signed size', () => {
  const result = run(tampered(honest.rows.slice(0, 36)));
  expectFailure(result, 'TAIL_DROPPED', 36n);
  assert.equal(!result.ok && result.error.treeSize, 40);
});

test("foreign row: another org's row spliced in", () => {
  const other = buildLedger('globex');
  const rows = honest.rows.map((r) => (r.row.seq === 9n ? (other.rows[9] as ExportedRow) : r));
  expectFailure(run(tampered(rows)), 'FOREIGN_ROW', 9n);
  const relabelled = honest.rows.map((r) => (r.row.seq === 9n ? withRow(r, { org: 'globex' }) : r));
  expectFailure(run(tampered(relabelled)), 'FOREIGN_ROW', 9n);
});

test('stored hashes of the wrong size are unreadable input, not a verdict', () => {
  const rows = honest.rows.map((r) => (r.row.seq === 3n ? { ...r, leafHash: new Uint8Array(31) } : r));
  expectFailure(run(tampered(rows)), 'INVALID_ROW', 3n);
});
