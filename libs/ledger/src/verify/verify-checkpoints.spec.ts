// Checkpoint-level failures: forks, keys, signatures, trusted state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LedgerFold,
  checkTrustedAdvance,
  consistencyProof,
  parseCheckpoint,
  parseNote,
  signCheckpoint,
  signerKeyFromSeed,
  subtreeHasherFromLeaves,
  verifyLedger,
  exportedRowFromJson,
  exportedRowToJson,
  LedgerError,
  type Checkpoint,
  type VerifyResult,
} from '../index.ts';
import { sampleEvents } from '../sample-events.testing.ts';
import { buildLedger, key1, key2, keyring, ORG, type Ledger } from './ledger-fixture.testing.ts';

const honest = buildLedger();
// Same first 15 events, then a different history.
const forked = buildLedger(ORG, 40, 10, [...sampleEvents(ORG, 15), ...sampleEvents(ORG, 25, 100)]);
const run = (l: Ledger, trusted?: Checkpoint): VerifyResult =>
  verifyLedger({ org: ORG, rows: l.rows, checkpoints: l.checkpoints, keyring, ...(trusted ? { trusted } : {}) });
const bodyOf = (note: string): Checkpoint => parseCheckpoint(parseNote(note).text);
const cpAt = (l: Ledger, size: number): string => l.checkpoints[size / 10 - 1] as string;

function expectFailure(result: VerifyResult, code: string, treeSize: number | undefined): void {
  if (result.ok) assert.fail(`expected ${code}, but the ledger verified`);
  assert.equal(result.error.code, code, result.error.message);
  assert.equal(result.error.treeSize, treeSize, `${code}: ${result.error.message}`);
}

test('fork: two signed checkpoints of the same size with different roots', () => {
  expectFailure(run({ rows: honest.rows, checkpoints: [...honest.checkpoints, cpAt(forked, 20)] }), 'FORK', 20);
});

test('fork: a signed checkpoint the later signed tree does not contain', () => {
  const checkpoints = [cpAt(honest, 10), cpAt(forked, 20), cpAt(honest, 30), cpAt(honest, 40)];
  expectFailure(run({ rows: honest.rows, checkpoints }), 'FORK', 20);
});

test('keys: unknown signer, expired signer, altered note', () => {
  const stranger = signerKeyFromSeed('mcpg.dev/ledger', new Uint8Array(32).fill(3));
  const cp40 = bodyOf(cpAt(honest, 40));
  const withNote = (note: string): Ledger => ({ rows: honest.rows, checkpoints: [...honest.checkpoints.slice(0, 3), note] });
  // Named by the size the unverified body claims, for the report only.
  expectFailure(run(withNote(signCheckpoint(cp40, stranger))), 'UNKNOWN_KEY', 40);
  // key1 was retired at ROTATION; the checkpoint's event time is after it.
  expectFailure(run(withNote(signCheckpoint(cp40, key1))), 'EXPIRED_KEY', 40);
  expectFailure(run(withNote(cpAt(honest, 40).replace('\n40\n', '\n39\n'))), 'BAD_SIGNATURE', 39);
  expectFailure(run(withNote(cpAt(honest, 40).replace('event-time-ms', 'event-time'))), 'BAD_SIGNATURE', undefined);
});

test("a checkpoint of another org's ledger is FOREIGN_CHECKPOINT", () => {
  const other = buildLedger('globex');
  expectFailure(run({ rows: honest.rows, checkpoints: [...honest.checkpoints, cpAt(other, 10)] }), 'FOREIGN_CHECKPOINT', 10);
});

test('a signed checkpoint with the right root but a wrong chain head or time is CHECKPOINT_MISMATCH', () => {
  const cp = bodyOf(cpAt(honest, 30));
  for (const bad of [{ ...cp, chainHead: new Uint8Array(32) }, { ...cp, eventTime: cp.eventTime + 1 }]) {
    const result = run({ rows: honest.rows, checkpoints: [signCheckpoint(bad, key2)] });
    expectFailure(result, 'CHECKPOINT_MISMATCH', 30);
    assert.equal(!result.ok && result.error.seq, 29n);
  }
});

test('trusted state: a smaller newest checkpoint is ROLLBACK, an inconsistent one FORK', () => {
  const trusted40 = bodyOf(cpAt(honest, 40));
  const older = { rows: honest.rows.slice(0, 30), checkpoints: honest.checkpoints.slice(0, 3) };
  expectFailure(run(older, trusted40), 'ROLLBACK', 30);
  expectFailure(run(honest, bodyOf(cpAt(forked, 20))), 'FORK', 20);
  const fold = new LedgerFold(ORG);
  for (const e of [...sampleEvents(ORG, 15), ...sampleEvents(ORG, 10, 100)]) fold.append(e);
  expectFailure(run(honest, fold.checkpoint()), 'FORK', 25);
  const ok = run(honest, bodyOf(cpAt(honest, 20)));
  assert.ok(ok.ok);
  assert.equal(ok.latest?.checkpoint.size, 40);
});

test('checkTrustedAdvance: consistency proofs move the trusted head; smaller or inconsistent heads are refused', () => {
  const leaves = honest.rows.map((r) => r.leafHash);
  const [t20, h40, f20] = [bodyOf(cpAt(honest, 20)), bodyOf(cpAt(honest, 40)), bodyOf(cpAt(forked, 20))];
  const proof = consistencyProof(20, 40, subtreeHasherFromLeaves(leaves));
  assert.doesNotThrow(() => checkTrustedAdvance(t20, h40, proof));
  assert.doesNotThrow(() => checkTrustedAdvance(t20, t20, []));
  const code = (c: string) => (e: unknown) => e instanceof LedgerError && e.code === c;
  assert.throws(() => checkTrustedAdvance(h40, t20, []), code('ROLLBACK'));
  assert.throws(() => checkTrustedAdvance(f20, h40, proof), code('FORK'));
  assert.throws(() => checkTrustedAdvance(t20, f20, []), code('FORK'));
  assert.throws(() => checkTrustedAdvance(t20, h40, proof.slice(1)), code('FORK'));
  assert.throws(() => checkTrustedAdvance(t20, { ...h40, origin: 'mcpg.dev/ledger/globex' }, proof), code('FOREIGN_CHECKPOINT'));
});

test('determinism: the same events give byte-identical roots, chain heads and signed notes', () => {
  const again = buildLedger();
  assert.deepEqual(again.checkpoints, honest.checkpoints);
  const [a, b] = [run(honest), run(again)];
  assert.ok(a.ok && b.ok);
  assert.deepEqual([a.root, a.chainHead], [b.root, b.chainHead]);
});

test('exported rows survive their NDJSON form exactly', () => {
  for (const r of honest.rows) {
    const line = JSON.stringify(exportedRowToJson(r));
    assert.deepEqual(exportedRowFromJson(JSON.parse(line)), { ...r, leafHash: new Uint8Array(r.leafHash), prevHash: new Uint8Array(r.prevHash) });
  }
  const json = exportedRowToJson(honest.rows[0]!) as unknown as Record<string, unknown>;
  assert.throws(() => exportedRowFromJson({ ...json, leaf_hash: 'AB'.repeat(32) }), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ROW');
  assert.throws(() => exportedRowFromJson({ ...json, prev_hash: undefined }), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ROW');
});
