import { test } from 'node:test';
import assert from 'node:assert/strict';
import { naturalness, randomnessTest, shannonBits } from './entropy.ts';
import { ALPHABETS as A, prng } from './corpus/prng.ts';

const looksRandom = randomnessTest();

test('shannon bits per character', () => {
  assert.equal(shannonBits(''), 0);
  assert.equal(shannonBits('aaaa'), 0);
  assert.equal(shannonBits('abab'), 1);
  assert.equal(shannonBits('abcd'), 2);
});

test('naturalness: identifiers read as words, random letters do not', () => {
  assert.ok(naturalness('this_is_a_long_variable_name').ratio > 0.9);
  assert.ok(naturalness('CorrectHorseBatteryStaple').ratio > 0.9);
  assert.ok(naturalness('qxzvkjwpqzxv').ratio < 0.2);
  assert.equal(naturalness('2025-01-15').pairs, 0);
});

test('random tokens of common key shapes pass (≥ 97% at 20 chars, ≥ 99% from 32)', () => {
  const r = prng(7);
  const rate = (make: () => string) => {
    let ok = 0;
    for (let i = 0; i < 2000; i++) if (looksRandom(make())) ok++;
    return ok / 2000;
  };
  assert.ok(rate(() => r.chars(A.base64url, 20)) >= 0.97);
  assert.ok(rate(() => r.chars(A.alnum, 24)) >= 0.97);
  assert.ok(rate(() => r.chars(A.alnum, 32)) >= 0.99);
  assert.ok(rate(() => r.chars(A.base64, 40)) >= 0.99);
  assert.ok(rate(() => r.chars(A.lower + A.digits, 32)) >= 0.97);
});

test('ids, digests, words and dates do not look random', () => {
  for (const s of [
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', // SHA-256
    'da39a3ee5e6b4b0d3255bfef95601890afd80709', // SHA-1
    '4bf92f3577b34da6a3ce929d0e0e4736', // trace id
    '6f1c2e0a-9b3d-4c1e-a2f4-7d8e9f0a1b2c', // UUID
    'this_is_a_long_variable_name',
    'ThisIsAClassNameThatIsLong',
    '/usr/local/lib/node_modules/foo',
    'github.com/org/repo/tree/main',
    'customer_12345_invoice_2024',
    'kid_2024_05_signing_primary',
    'claude-3-5-sonnet-20241022',
    'k8s-prod-cluster-eu-west-1-nodepool',
    '2025-01-15T09:26:53.589Z',
    'aaaaaaaaaaaaaaaaaaaaaaaa1',
    'short1A',
    'pg-replica-2.eu-west-1.rds.amazonaws.com/analytics',
    'Xq7vB2mN9pL4.sT8wR3yK6zH1', // dotted: judged by its longest segment (12 chars)
  ]) {
    assert.equal(looksRandom(s), false, s);
  }
});

test('a strong context relaxes the word test, a weak one does not', () => {
  // A random token that happens to contain word-like pairs ("Hesut", "Sjo").
  const s = 'm87rhR8lidlsG16ChtHesutSjoMuWEoR';
  const justBelow = randomnessTest({ maxNaturalness: naturalness(s).ratio - 0.05 });
  assert.equal(justBelow(s), false);
  assert.equal(justBelow(s, true), true);
});
