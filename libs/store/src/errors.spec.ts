import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ClickHouseError } from '@clickhouse/client';
import { STORE_ERROR_CODES, StoreError, toStoreError } from './errors.ts';

test('every error code is documented in the catalog', () => {
  const source = readFileSync(new URL('./errors.ts', import.meta.url), 'utf8');
  for (const code of STORE_ERROR_CODES) {
    assert.match(source, new RegExp(`/\\*\\*[^*]+\\*/\\s*'${code}'`), code);
  }
});

test('network failures are CLICKHOUSE_UNREACHABLE and retriable', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' });
  const e = toStoreError(refused, 'insert');
  assert.equal(e.code, 'CLICKHOUSE_UNREACHABLE');
  assert.equal(e.retriable, true);
  assert.equal(e.cause, refused);
  assert.equal(toStoreError(new Error('Timeout error.'), 'query').code, 'CLICKHOUSE_UNREACHABLE');
});

test('engine errors are QUERY_FAILED, retriable only for transient codes', () => {
  const tooManyParts = new ClickHouseError({ message: 'Too many parts (300)\nmore', code: '252', type: 'TOO_MANY_PARTS' });
  const e = toStoreError(tooManyParts, 'insert');
  assert.equal(e.code, 'QUERY_FAILED');
  assert.equal(e.retriable, true);
  assert.equal(e.message, 'insert: ClickHouse error 252 TOO_MANY_PARTS: Too many parts (300)');
  const syntax = toStoreError(new ClickHouseError({ message: 'Syntax error', code: '62', type: 'SYNTAX_ERROR' }), 'query');
  assert.equal(syntax.retriable, false);
});

test('a StoreError passes through unchanged; a closed store is STORE_CLOSED', () => {
  const original = new StoreError('MIGRATION_INVALID', 'x', false);
  assert.equal(toStoreError(original, 'y'), original);
  assert.equal(toStoreError(new Error('ChdbConnection is closed'), 'q').code, 'STORE_CLOSED');
});
