import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createTestStore } from '@mcpg/store/testing';
import type { Store } from '@mcpg/store';
import { startHealthListener } from './start-health-listener.ts';

let store: Store;
before(async () => {
  store = await createTestStore();
});
after(async () => {
  await store.close();
});

/**
 * GET from another process while this thread is blocked in spawnSync (so the
 * API thread's loop runs nothing meanwhile, as under a long computation);
 * `waitMs` first.
 */
function probeWhileBlocked(url: string, waitMs = 0): { status: number; body: { status: string; reason?: string } } {
  const script = `setTimeout(() => fetch(${JSON.stringify(url)}).then(async (r) => console.log(JSON.stringify({ status: r.status, body: await r.json() }))), ${waitMs})`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as { status: number; body: { status: string; reason?: string } };
}

test('the health port answers while the API thread is busy, and reports it stalled once it is silent past the limit', async () => {
  const patient = await startHealthListener({ listen: '127.0.0.1:0', store, stallAfterMs: 20_000 });
  const strict = await startHealthListener({ listen: '127.0.0.1:0', store, stallAfterMs: 300 });
  try {
    // The API thread runs nothing while the probe is asked and answered.
    assert.deepEqual(probeWhileBlocked(`${patient.url}/healthz`), { status: 200, body: { status: 'ok' } });
    assert.equal(probeWhileBlocked(`${patient.url}/readyz`).status, 200);
    const stalled = probeWhileBlocked(`${strict.url}/healthz`, 1_000);
    assert.equal(stalled.status, 503);
    assert.equal(stalled.body.status, 'stalled');
    assert.match(stalled.body.reason ?? '', /event loop has not run for \d+ ms/);
    // Once the loop runs again, so does the heartbeat.
    await new Promise((r) => setTimeout(r, 600));
    const res = await fetch(`${strict.url}/healthz`);
    assert.equal(res.status, 200);
  } finally {
    await patient.close();
    await strict.close();
  }
});

test('readiness follows ClickHouse and shutdown; other paths are 404', async () => {
  const health = await startHealthListener({ listen: '127.0.0.1:0', store, stallAfterMs: 10_000 });
  try {
    assert.deepEqual(await (await fetch(`${health.url}/readyz`)).json(), { status: 'ok' });
    assert.equal((await fetch(`${health.url}/v1/orgs/acme/metrics`)).status, 404);
    assert.equal((await fetch(`${health.url}/healthz`, { method: 'POST' })).status, 405);
    health.draining();
    const draining = await fetch(`${health.url}/readyz`);
    assert.equal(draining.status, 503);
    assert.deepEqual(await draining.json(), { status: 'unavailable', reason: 'shutting down' });
    assert.equal((await fetch(`${health.url}/healthz`)).status, 200, 'liveness stays up while draining');
  } finally {
    await health.close();
  }
  const down = await createTestStore();
  const unready = await startHealthListener({ listen: '127.0.0.1:0', store: down, stallAfterMs: 10_000, readyCheckMs: 100 });
  try {
    await down.close();
    await new Promise((r) => setTimeout(r, 400));
    const res = await fetch(`${unready.url}/readyz`);
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as { reason: string }).reason, /ClickHouse did not answer/);
  } finally {
    await unready.close();
  }
});
