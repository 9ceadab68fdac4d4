import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chainHash, genesisHash, toHex, LedgerError } from './index.ts';

const sha = (...parts: (string | Uint8Array)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

test('genesis and chain follow the documented formulas', () => {
  assert.equal(toHex(genesisHash('acme')), sha('mcpg/ledger/v1/genesis\0', 'acme'));
  const prev = new Uint8Array(32).fill(1);
  const leaf = new Uint8Array(32).fill(2);
  assert.equal(toHex(chainHash(prev, leaf)), sha('mcpg/ledger/v1/chain\0', prev, leaf));
  // Pinned, so the formulas cannot drift silently.
  assert.equal(toHex(genesisHash('acme')), '207ea4bf5a01c73ffa27196abbb7add5e036efcc260537ed6ba55d4829cf3c99');
});

test('each org has its own genesis; order of inputs matters', () => {
  assert.notEqual(toHex(genesisHash('acme')), toHex(genesisHash('acme2')));
  const a = new Uint8Array(32).fill(1);
  const b = new Uint8Array(32).fill(2);
  assert.notEqual(toHex(chainHash(a, b)), toHex(chainHash(b, a)));
});

test('chain inputs must be hashes; orgs must be able to own a ledger', () => {
  assert.throws(() => chainHash(new Uint8Array(31), new Uint8Array(32)), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ARGUMENT');
  for (const org of ['', 'a b', 'a+b', 'a\nb', 'x'.repeat(257)]) {
    assert.throws(() => genesisHash(org), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ARGUMENT', JSON.stringify(org));
  }
});
