import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreError } from './errors.ts';
import { storeReadiness } from './store-readiness.ts';
import type { Store } from './create-store.ts';

const storeWhosePing = (ping: () => Promise<void>) => ({ ping }) as unknown as Store;

test('storeReadiness: ready when SELECT 1 answers', async () => {
  assert.deepEqual(await storeReadiness(storeWhosePing(async () => {})), { ready: true });
});

test('storeReadiness: a ClickHouse that never answers is not ready once the deadline passes', async () => {
  const r = await storeReadiness(storeWhosePing(() => new Promise(() => {})), 30);
  assert.equal(r.ready, false);
  assert.equal(!r.ready && r.reason, 'ClickHouse did not answer SELECT 1 (CLICKHOUSE_UNREACHABLE)');
});

test('storeReadiness: the reason names the code, never the host or the engine message', async () => {
  const failing = storeWhosePing(async () => {
    throw new StoreError('QUERY_FAILED', 'user mcpg at ch.internal:8123: wrong password', false);
  });
  const r = await storeReadiness(failing);
  assert.equal(!r.ready && r.reason, 'ClickHouse did not answer SELECT 1 (QUERY_FAILED)');
  const unknown = await storeReadiness(storeWhosePing(async () => { throw new Error('socket hang up at 10.0.0.7'); }));
  assert.equal(!unknown.ready && unknown.reason, 'ClickHouse did not answer SELECT 1 (UNKNOWN)');
});
