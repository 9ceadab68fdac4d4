import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  Keyring,
  LedgerFold,
  exportedRowFromJson,
  parseSignerKey,
  signCheckpoint,
  toHex,
  verifyLedger,
  verifierKeyOf,
  ALWAYS,
  LedgerError,
} from './index.ts';
import { sampleEvents } from './sample-events.testing.ts';

const golden = JSON.parse(readFileSync(new URL('./golden/ledger-small.json', import.meta.url), 'utf8')) as {
  signer_key: string;
  checkpoint_every: number;
  rows: unknown[];
  notes: string[];
  root: string;
  chain_head: string;
};

test('golden ledger: rebuilding from the rows reproduces every stored hash and signed note byte for byte', () => {
  const key = parseSignerKey(golden.signer_key);
  const fold = new LedgerFold('acme');
  const notes: string[] = [];
  for (const exported of golden.rows.map(exportedRowFromJson)) {
    const { seq: _seq, ...event } = exported.row;
    const appended = fold.append(event);
    assert.equal(appended.row.seq, exported.row.seq);
    assert.equal(toHex(appended.leafHash), toHex(exported.leafHash));
    assert.equal(toHex(appended.prevHash), toHex(exported.prevHash));
    if (fold.size % golden.checkpoint_every === 0) notes.push(signCheckpoint(fold.checkpoint(), key));
  }
  assert.deepEqual(notes, golden.notes);
  assert.equal(toHex(fold.checkpoint().root), golden.root);
  assert.equal(toHex(fold.checkpoint().chainHead), golden.chain_head);
  const result = verifyLedger({
    org: 'acme',
    rows: golden.rows.map(exportedRowFromJson),
    checkpoints: golden.notes,
    keyring: new Keyring([{ key: verifierKeyOf(key), window: ALWAYS }]),
  });
  assert.ok(result.ok);
  assert.equal(result.signedSize, 12);
});

test('a fold resumed from its saved state continues exactly like one that never stopped', () => {
  const events = sampleEvents('acme', 50);
  const straight = new LedgerFold('acme');
  for (const e of events) straight.append(e);
  const first = new LedgerFold('acme');
  for (const e of events.slice(0, 23)) first.append(e);
  const resumed = new LedgerFold('acme', first.state());
  for (const e of events.slice(23)) resumed.append(e);
  assert.deepEqual(resumed.checkpoint(), straight.checkpoint());
});

test('the fold refuses events of another org and states of another org', () => {
  const fold = new LedgerFold('acme');
  const code = (c: string) => (e: unknown) => e instanceof LedgerError && e.code === c;
  assert.throws(() => fold.append(sampleEvents('globex', 1)[0]!), code('INVALID_ARGUMENT'));
  assert.throws(() => new LedgerFold('globex', fold.state()), code('INVALID_ARGUMENT'));
  assert.throws(() => new LedgerFold('has space'), code('INVALID_ARGUMENT'));
  assert.throws(() => fold.append({ ...sampleEvents('acme', 1)[0]!, occurred_at: 0.5 }), code('INVALID_ROW'));
  assert.equal(fold.size, 0, 'a refused event does not advance the fold');
});
