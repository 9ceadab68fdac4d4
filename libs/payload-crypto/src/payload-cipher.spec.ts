import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openPayload, payloadAad, PayloadCryptoError, sealPayload, type PayloadContext } from './index.ts';

const key = randomBytes(32);
const ctx: PayloadContext = { org: 'acme', eventId: 'gw-1:s:7', field: 'arguments', keyVersion: 3 };
const text = Buffer.from('{"query":"select canary-7f3a"}');
const mismatch = (e: unknown) => e instanceof PayloadCryptoError && e.code === 'TAG_MISMATCH';

test('a sealed payload opens under its own context and key', () => {
  const sealed = sealPayload(key, ctx, text);
  assert.equal(sealed.nonce.length, 12);
  assert.equal(sealed.tag.length, 16);
  assert.equal(sealed.ciphertext.length, text.length);
  assert.ok(!sealed.ciphertext.includes(Buffer.from('canary')));
  assert.deepEqual(openPayload(key, ctx, sealed), text);
});

test('each payload gets a fresh nonce, so the same text seals to different bytes', () => {
  const a = sealPayload(key, ctx, text);
  const b = sealPayload(key, ctx, text);
  assert.notDeepEqual(a.nonce, b.nonce);
  assert.notDeepEqual(a.ciphertext, b.ciphertext);
});

test('a row spliced to another org, call, field or key version does not open', () => {
  const sealed = sealPayload(key, ctx, text);
  for (const other of [{ org: 'acme2' }, { eventId: 'gw-1:s:8' }, { field: 'response' as const }, { keyVersion: 2 }]) {
    assert.throws(() => openPayload(key, { ...ctx, ...other }, sealed), mismatch, JSON.stringify(other));
  }
  assert.throws(() => openPayload(randomBytes(32), ctx, sealed), mismatch, 'another key');
});

test('the additional data is unambiguous: shifting a separator between org and event id changes it', () => {
  const a = payloadAad({ ...ctx, org: 'a|b', eventId: 'c' });
  const b = payloadAad({ ...ctx, org: 'a', eventId: 'b|c' });
  assert.notDeepEqual(a, b);
  const sealed = sealPayload(key, { ...ctx, org: 'ab', eventId: 'c' }, text);
  assert.throws(() => openPayload(key, { ...ctx, org: 'a', eventId: 'bc' }, sealed), mismatch);
});

test('a context out of range is INVALID_ARGUMENT', () => {
  const invalid = (e: unknown) => e instanceof PayloadCryptoError && e.code === 'INVALID_ARGUMENT';
  assert.throws(() => payloadAad({ ...ctx, org: '' }), invalid);
  assert.throws(() => payloadAad({ ...ctx, eventId: '' }), invalid);
  assert.throws(() => payloadAad({ ...ctx, keyVersion: 0 }), invalid);
  assert.throws(() => payloadAad({ ...ctx, field: 'headers' as never }), invalid);
});
