import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBusError } from '../errors.ts';
import { kafkaSecurity } from './kafka-security.ts';

test('plaintext without auth by default; TLS with the system CAs, or a private CA and client certificate', () => {
  assert.deepEqual(kafkaSecurity(undefined, undefined), {});
  assert.deepEqual(kafkaSecurity({}, undefined), { ssl: true });
  assert.deepEqual(kafkaSecurity({ ca: 'CA PEM', cert: 'CERT', key: 'KEY' }, undefined), { ssl: { ca: ['CA PEM'], cert: 'CERT', key: 'KEY' } });
});

test('SASL mechanisms pass through with their credentials', () => {
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    assert.deepEqual(kafkaSecurity({}, { mechanism, username: 'u', password: 'p' }), { ssl: true, sasl: { mechanism, username: 'u', password: 'p' } });
  }
});

test('configurations that cannot work are refused before connecting', () => {
  assert.throws(() => kafkaSecurity(undefined, { mechanism: 'scram-sha-512', username: 'u', password: '' }), (e: unknown) => isBusError(e, 'INVALID_CONFIG') && /username and a password/.test(e.message));
  assert.throws(() => kafkaSecurity({ cert: 'CERT' }, undefined), (e: unknown) => isBusError(e, 'INVALID_CONFIG') && /needs its key/.test(e.message));
});
