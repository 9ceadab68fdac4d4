// Range verification of a stored ledger (what the API's verify runs) names a
// break exactly as the offline verifier does, checks every checkpoint in the
// range, and tells a forged Merkle node apart from an edited row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactRange, rowLeafHash, verifyLedger, verifyLedgerRange, signCheckpoint, LedgerFold, type ExportedRow, type Hash, type RangeVerifyResult } from '../index.ts';
import { buildLedger, bySeq, keyring, signing, withRow, ORG, type Ledger } from './ledger-fixture.testing.ts';
import { sampleEvents } from '../sample-events.testing.ts';

const honest = buildLedger();
const nodesOf = (rows: readonly ExportedRow[]): Map<string, Hash> => {
  const out = new Map<string, Hash>();
  const range = new CompactRange();
  for (const r of rows) range.append(rowLeafHash(r.row), (level, index, hash) => out.set(`${level}/${index}`, hash));
  return out;
};
const honestNodes = nodesOf(honest.rows);

/** The frontier of [0, size) from the node table. */
function frontier(nodes: ReadonlyMap<string, Hash>, size: number): Hash[] {
  const out: Hash[] = [];
  let start = 0;
  for (let level = 31; level >= 0; level--) {
    if (start + 2 ** level <= size) {
      out.push(nodes.get(`${level}/${start / 2 ** level}`) as Hash);
      start += 2 ** level;
    }
  }
  return out;
}

function runRange(l: Ledger, start: number, end: number, nodes: ReadonlyMap<string, Hash> = honestNodes): RangeVerifyResult {
  return verifyLedgerRange({
    org: ORG,
    start,
    frontier: frontier(nodes, start),
    rows: l.rows.filter((r) => r.row.seq >= BigInt(start) && r.row.seq < BigInt(end)),
    checkpoints: l.checkpoints.filter((_, i) => (i + 1) * 10 >= start && (i + 1) * 10 <= end),
    keyring,
    storedNode: (_seq, level, index) => nodes.get(`${level}/${index}`),
  });
}

function expectBreak(r: RangeVerifyResult, code: string, at: { seq?: bigint; treeSize?: number }): void {
  if (r.ok) assert.fail(`expected ${code}, but the range verified`);
  assert.equal(r.error.code, code, r.error.message);
  if ('seq' in at) assert.equal(r.error.seq, at.seq, r.error.message);
  if ('treeSize' in at) assert.equal(r.error.treeSize, at.treeSize, r.error.message);
}

test('an honest range verifies from 0 and from a checkpoint, against every checkpoint in it', () => {
  const all = runRange(honest, 0, 40);
  assert.ok(all.ok);
  assert.deepEqual(all.checkpoints, [10, 20, 30, 40]);
  const middle = runRange(honest, 20, 30);
  assert.ok(middle.ok);
  assert.deepEqual(middle.checkpoints, [20, 30]);
  assert.equal(middle.signedBy.length, 1);
});

test('a forged node is NODE_EDITED at the seq that stores it, never ROW_EDITED: the rows under it are intact', () => {
  const forged = new Map(honestNodes);
  forged.set('0/29', new Uint8Array(32).fill(9));
  expectBreak(runRange(honest, 20, 40, forged), 'NODE_EDITED', { seq: 29n });
  expectBreak(runRange(honest, 0, 40, forged), 'NODE_EDITED', { seq: 29n });
  // Before the range, it cannot reproduce the signed root the range starts from.
  const early = new Map(honestNodes);
  early.set('4/0', new Uint8Array(32).fill(9));
  expectBreak(runRange(honest, 20, 30, early), 'NODE_EDITED', { treeSize: 20 });
  const missing = new Map(honestNodes);
  missing.delete('4/0');
  expectBreak(runRange(honest, 20, 30, missing), 'NODE_EDITED', { treeSize: 20 });
});

test('row breaks get the same code and seq as the offline verifier', () => {
  const cases: ExportedRow[][] = [
    honest.rows.map((r) => (r.row.seq === 27n ? withRow(r, { actor: 'mallory' }) : r)),
    honest.rows.filter((r) => r.row.seq !== 23n),
    // Two rows that swapped seqs (stored hashes travel with the rows).
    bySeq(honest.rows.map((r) => (r.row.seq === 31n ? withRow(r, { seq: 32n }) : r.row.seq === 32n ? withRow(r, { seq: 31n }) : r))),
  ];
  for (const rows of cases) {
    const offline = verifyLedger({ org: ORG, rows, checkpoints: honest.checkpoints, keyring });
    assert.ok(!offline.ok);
    const range = runRange({ rows, checkpoints: honest.checkpoints }, 20, 40);
    expectBreak(range, offline.error.code, { seq: offline.error.seq });
  }
  expectBreak(runRange({ rows: cases[2]!, checkpoints: honest.checkpoints }, 30, 40), 'ROWS_REORDERED', { seq: 31n });
});

test('a middle checkpoint that is forged fails the range, not only the newest one', () => {
  // Validly signed, but of another history at size 20.
  const other = new LedgerFold(ORG);
  for (const e of [...sampleEvents(ORG, 15), ...sampleEvents(ORG, 5, 100)]) other.append(e);
  const cp = other.checkpoint();
  const fork = honest.checkpoints.map((n, i) => (i === 1 ? signCheckpoint(cp, signing.signerFor(cp.eventTime)) : n));
  expectBreak(runRange({ rows: honest.rows, checkpoints: fork }, 0, 40), 'FORK', { treeSize: 20 });
  // Its text edited after signing.
  const edited = honest.checkpoints.map((n, i) => (i === 1 ? n.replace(/^(.*\n.*\n)(.)/, (_m, head: string, c: string) => head + (c === 'A' ? 'B' : 'A')) : n));
  expectBreak(runRange({ rows: honest.rows, checkpoints: edited }, 0, 40), 'BAD_SIGNATURE', { treeSize: 20 });
});
