import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '@mcpg/store';
import { waitForStore } from './wait-for-store.ts';

const quiet = { warn: () => undefined, info: () => undefined, error: () => undefined, debug: () => undefined };
const unreachable = () => Object.assign(new Error('ClickHouse at http://127.0.0.1:1 is unreachable'), { code: 'CLICKHOUSE_UNREACHABLE', retriable: true });
const wait = { initialMs: 1, maxMs: 2 };

test('an unreachable ClickHouse is waited for, each attempt logged and reported for readiness', async () => {
  let calls = 0;
  const store = {} as Store;
  const logged: object[] = [];
  const reasons: string[] = [];
  const got = await waitForStore(
    async () => {
      if (++calls <= 5) throw unreachable();
      return store;
    },
    { log: { ...quiet, warn: (o) => void logged.push(o) }, onWait: (r) => void reasons.push(r), stopped: () => false, wait },
  );
  assert.equal(got, store);
  assert.equal(logged.length, 5);
  assert.match(reasons[4] ?? '', /^CLICKHOUSE_UNREACHABLE \(attempt 5/);
});

test('what waiting cannot fix (bad credentials) ends the wait at once', async () => {
  const denied = Object.assign(new Error('authentication failed'), { code: 'QUERY_FAILED', retriable: false });
  await assert.rejects(waitForStore(async () => Promise.reject(denied), { log: quiet, onWait: () => undefined, stopped: () => false, wait }), /authentication failed/);
});

test('a stop while waiting ends the wait without a store', async () => {
  let stopped = false;
  const got = await waitForStore(
    async () => {
      stopped = true;
      throw unreachable();
    },
    { log: quiet, onWait: () => undefined, stopped: () => stopped, wait },
  );
  assert.equal(got, undefined);
});
