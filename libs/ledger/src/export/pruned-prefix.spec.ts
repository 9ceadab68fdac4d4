// A ledger whose first segments expired under its retention plan: only the
// subtree hashes of the pruned prefix and every signed checkpoint are left
// with the retained rows. It verifies with the public key alone; the tamper
// checks still hold on what is retained, and an edited pruned-range hash is
// caught against the signed root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompactRange,
  parseLedgerExport,
  exportCheckpointLine,
  exportEndLine,
  exportHeaderLine,
  exportPrunedLine,
  exportRowLine,
  verifyLedger,
  consistencyProof,
  inclusionProof,
  verifyConsistency,
  verifyInclusion,
  subtreeHasherFromNodes,
  openCheckpoint,
  type ExportedRow,
  type PrunedPrefix,
  type VerifyResult,
} from '../index.ts';
import { buildLedger, keyring, withRow, ORG } from '../verify/ledger-fixture.testing.ts';

const full = buildLedger(ORG, 45); // checkpoints at 10, 20, 30, 40; 5 unsigned rows
const PRUNED = 20;

function prune(size: number): { rows: ExportedRow[]; pruned: PrunedPrefix } {
  const range = new CompactRange();
  for (const r of full.rows.slice(0, size)) range.append(r.leafHash);
  return { rows: full.rows.slice(size), pruned: { size, frontier: range.state().hashes } };
}

const run = (rows: ExportedRow[], pruned: PrunedPrefix | undefined): VerifyResult =>
  verifyLedger({ org: ORG, rows, checkpoints: full.checkpoints, keyring, ...(pruned ? { pruned } : {}) });

function expectFailure(result: VerifyResult, code: string, at: { seq?: bigint; treeSize?: number }): void {
  if (result.ok) assert.fail(`expected ${code}, but the ledger verified`);
  assert.equal(result.error.code, code, result.error.message);
  if ('seq' in at) assert.equal(result.error.seq, at.seq, result.error.message);
  if ('treeSize' in at) assert.equal(result.error.treeSize, at.treeSize, result.error.message);
}

test('an export that starts after the pruned prefix verifies, through a file and back', () => {
  const { rows, pruned } = prune(PRUNED);
  const text =
    exportHeaderLine(ORG, true) +
    full.checkpoints.map(exportCheckpointLine).join('') +
    exportPrunedLine(pruned) +
    rows.map(exportRowLine).join('') +
    exportEndLine({ checkpoints: full.checkpoints.length, rows: rows.length });
  assert.match(text.split('\n')[0]!, /"mcpg_ledger_export":2/);
  const parsed = parseLedgerExport(text);
  assert.equal(parsed.pruned?.size, PRUNED);
  const r = run(parsed.rows, parsed.pruned);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual([r.prunedSize, r.rows, r.signedSize, r.unsignedRows], [20, 25, 40, 5]);
  // The same rows without the declared prefix are a deletion of seq 0.
  expectFailure(run(parsed.rows, undefined), 'ROW_DELETED', { seq: 0n });
});

test('a pruned prefix that is no signed size, or hashes edited, is NODE_EDITED at that size', () => {
  const { rows, pruned } = prune(PRUNED);
  const edited = pruned.frontier.map((h, i) => (i === 0 ? Uint8Array.from(h, (b, j) => (j === 0 ? b ^ 1 : b)) : h));
  expectFailure(run(rows, { size: PRUNED, frontier: edited }), 'NODE_EDITED', { treeSize: PRUNED });
  expectFailure(run(rows, { size: PRUNED, frontier: pruned.frontier.slice(1) }), 'NODE_EDITED', { treeSize: PRUNED });
  const at15 = prune(15);
  expectFailure(run(at15.rows, at15.pruned), 'NODE_EDITED', { treeSize: 15 });
  // A pruned range claimed longer than it is (the retained rows 20..24 dropped) does not match the root at 25 (none) nor 30.
  const shifted = prune(30);
  expectFailure(run(full.rows.slice(20), shifted.pruned), 'ROW_INSERTED', { seq: 20n });
});

test('tampering with retained rows is still caught: deletion, edit, insertion, reorder, dropped tail', () => {
  const { rows, pruned } = prune(PRUNED);
  expectFailure(run(rows.filter((r) => r.row.seq !== 27n), pruned), 'ROW_DELETED', { seq: 27n });
  expectFailure(run(rows.filter((r) => r.row.seq !== 20n), pruned), 'ROW_DELETED', { seq: 20n });
  expectFailure(run(rows.map((r) => (r.row.seq === 23n ? withRow(r, { actor: 'mallory' }) : r)), pruned), 'ROW_EDITED', { seq: 23n });
  expectFailure(run([rows[0]!, rows[0]!, ...rows.slice(1)], pruned), 'ROW_INSERTED', { seq: 20n });
  const swapped = [...rows];
  [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
  expectFailure(run(swapped, pruned), 'ROWS_REORDERED', { seq: 23n });
  expectFailure(run(rows.slice(0, 15), pruned), 'TAIL_DROPPED', { seq: 35n });
});

test('inclusion and consistency proofs of retained rows need, below the pruned size, only its subtree hashes', () => {
  // Every perfect node of the full tree, then a lookup that refuses any node inside the pruned
  // prefix except the frontier's: proofs for retained rows must never need the pruned leaves.
  const nodes = new Map<string, Uint8Array>();
  const range = new CompactRange();
  for (const r of full.rows) range.append(r.leafHash, (level, index, hash) => nodes.set(`${level}/${index}`, hash));
  const kept = new Set(['4/0', '2/4']); // [0, 16) and [16, 20): the compact range of 20
  const hasher = subtreeHasherFromNodes((level, index) => {
    const end = (index + 1) * 2 ** level;
    if (end <= PRUNED && !kept.has(`${level}/${index}`)) throw new Error(`node ${level}/${index} lies in the pruned prefix`);
    return nodes.get(`${level}/${index}`)!;
  });
  const cp = (i: number) => openCheckpoint(full.checkpoints[i]!, keyring, `mcpg.dev/ledger/${ORG}`).checkpoint;
  for (const [seq, size, i] of [[20, 30, 2], [21, 30, 2], [29, 40, 3], [39, 40, 3]] as const) {
    const proof = inclusionProof(seq, size, hasher);
    assert.ok(verifyInclusion(seq, size, full.rows[seq]!.leafHash, proof, cp(i).root), `seq ${seq} in ${size}`);
  }
  assert.ok(verifyConsistency(30, 40, cp(2).root, cp(3).root, consistencyProof(30, 40, hasher)));
  assert.ok(verifyConsistency(20, 40, cp(1).root, cp(3).root, consistencyProof(20, 40, hasher)));
});
