import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BUS_ERROR_CODES, BUS_ERROR_DOCS, BusError, isBusError } from './errors.ts';

test('every error code is documented, and nothing undocumented is', () => {
  assert.deepEqual(Object.keys(BUS_ERROR_DOCS).sort(), [...BUS_ERROR_CODES].sort());
  for (const code of BUS_ERROR_CODES) assert.ok(BUS_ERROR_DOCS[code].description.length > 20, code);
});

test('BusError carries code, retriable (defaulting from the catalog) and cause', () => {
  const cause = new Error('ECONNREFUSED');
  const error = new BusError('BROKER_UNREACHABLE', 'no broker', { cause });
  assert.equal(error.retriable, true);
  assert.equal(error.cause, cause);
  assert.ok(isBusError(error, 'BROKER_UNREACHABLE'));
  assert.ok(!isBusError(error, 'TIMEOUT'));
  assert.equal(new BusError('BROKER_ERROR', 'x', { retriable: false }).retriable, false);
});
