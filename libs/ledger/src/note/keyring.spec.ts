import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Keyring,
  SigningKeys,
  formatSignerKey,
  formatVerifierKey,
  generateSignerKey,
  parseSignerKey,
  parseVerifierKey,
  signerKeyFromSeed,
  windowContains,
  LedgerError,
} from '../index.ts';

const code = (c: string) => (e: unknown) => e instanceof LedgerError && e.code === c;
const T2026 = Date.UTC(2026, 0, 1);
const old = signerKeyFromSeed('mcpg.dev/ledger', new Uint8Array(32).fill(1));
const next = signerKeyFromSeed('mcpg.dev/ledger', new Uint8Array(32).fill(2));

test('generated keys are random, and round-trip through their text forms', () => {
  const a = generateSignerKey('mcpg.dev/ledger');
  const b = generateSignerKey('mcpg.dev/ledger');
  assert.notDeepEqual(a.seed, b.seed);
  assert.deepEqual(parseSignerKey(formatSignerKey(a)), a);
  assert.deepEqual(parseVerifierKey(formatVerifierKey(a)), { name: a.name, keyId: a.keyId, publicKey: a.publicKey });
  assert.throws(() => generateSignerKey('has space'), code('INVALID_ARGUMENT'));
  assert.throws(() => generateSignerKey('a+b'), code('INVALID_ARGUMENT'));
});

test('key texts are read strictly', () => {
  const vkey = formatVerifierKey(old);
  const skey = formatSignerKey(old);
  const bad = [
    vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'), // id does not match
    vkey.replace(/\+([0-9a-f]{8})\+/, (_, id: string) => `+${id.toUpperCase()}+`),
    `${old.name}+${vkey.split('+')[1]}+${Buffer.from([2, ...old.publicKey]).toString('base64')}`, // algorithm 0x02
    `${vkey}=`,
    `${vkey.split('+')[0]}`,
    ` ${vkey}`,
  ];
  for (const text of bad) assert.throws(() => parseVerifierKey(text), code('MALFORMED_KEY'), text);
  assert.throws(() => parseSignerKey(vkey), code('MALFORMED_KEY'));
  assert.throws(() => parseSignerKey(skey.replace(/\+[0-9a-f]{8}\+/, '+00000000+')), code('MALFORMED_KEY'));
});

test('a keyring file: comments, windows, strict times, no duplicates', () => {
  const text =
    '# ledger keys\n' +
    `${formatVerifierKey(old)} not-after=2026-01-01T00:00:00.000Z\n` +
    '\n' +
    `${formatVerifierKey(next)} not-before=2026-01-01T00:00:00.000Z\n`;
  const ring = Keyring.parse(text);
  assert.equal(ring.entries.length, 2);
  assert.equal(ring.format(), text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => `${l}\n`).join(''));
  assert.equal(ring.lookup(old.name, old.keyId)?.window.notAfter, T2026);
  assert.equal(ring.lookup(old.name, next.keyId)?.window.notBefore, T2026);
  assert.equal(ring.lookup('other', old.keyId), undefined);
  for (const line of [
    `${formatVerifierKey(old)} not-after=2026-01-01`,
    `${formatVerifierKey(old)} not-after=2026-02-30T00:00:00.000Z`,
    `${formatVerifierKey(old)} expires=2026-01-01T00:00:00.000Z`,
    `${formatVerifierKey(old)} not-before=2026-01-01T00:00:00.000Z not-after=2025-01-01T00:00:00.000Z`,
    `${formatVerifierKey(old)}\n${formatVerifierKey(old)}`,
  ]) {
    assert.throws(() => Keyring.parse(line), code('MALFORMED_KEY'), line);
  }
});

test('windows are [not-before, not-after) in event time', () => {
  const w = { notBefore: 10, notAfter: 20 };
  assert.deepEqual([9, 10, 19, 20].map((t) => windowContains(w, t)), [false, true, true, false]);
  assert.equal(windowContains({ notBefore: null, notAfter: null }, -1e15), true);
});

test('rotation: the signer is chosen by event time, newest valid key first', () => {
  const keys = SigningKeys.parse(
    `${formatSignerKey(old)} not-after=2026-01-02T00:00:00.000Z\n` +
      `${formatSignerKey(next)} not-before=2026-01-01T00:00:00.000Z\n`,
  );
  assert.equal(keys.signerFor(T2026 - 1).keyId, old.keyId);
  assert.equal(keys.signerFor(T2026).keyId, next.keyId, 'during the overlap the new key signs');
  assert.equal(keys.signerFor(T2026 + 864e5 * 10).keyId, next.keyId);
  assert.deepEqual(keys.keyring().entries.map((e) => e.key.keyId), [old.keyId, next.keyId]);
  const retired = new SigningKeys([{ key: old, window: { notBefore: null, notAfter: T2026 } }]);
  assert.throws(() => retired.signerFor(T2026), code('EXPIRED_KEY'));
  assert.throws(() => new SigningKeys([]), code('MALFORMED_KEY'));
});
