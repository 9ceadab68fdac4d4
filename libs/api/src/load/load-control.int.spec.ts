// Load control on the real API over the embedded engine: answers reused
// until a worker flush, identical concurrent requests computed once, never
// an answer across orgs or keys, and 503 + Retry-After past the queue.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { recordFlush } from '@mcpg/store';
import { createTestStore, insertAuditFixtures } from '@mcpg/store/testing';
import { buildApi } from '../app.ts';
import { bearer, createTestApi, testKey, type TestApi } from '../testing/api-test-app.ts';

let api: TestApi;
before(async () => {
  api = await createTestApi({
    apiKeys: [testKey('acme-reader', ['acme'], ['audit', 'metrics']), testKey('globex-reader', ['globex'], ['audit', 'metrics']), testKey('all', ['*'], ['admin'])],
    // Reuse on, and the data version read on every request (no poll interval):
    // what a flush changes shows at once.
    // A previous fleet answer is served stale however slow this host is.
    load: { cacheMaxAgeMs: 60_000, versionPollMs: 0, fleetStaleMs: 60_000 },
  });
  const T = Date.UTC(2026, 1, 26, 14, 0, 0);
  await insertAuditFixtures(api.store, [
    ...Array.from({ length: 5 }, (_, seq) => ({ org: 'acme', seq, occurredAtMs: T + seq * 1000, actor: `acme-user-${seq}` })),
    ...Array.from({ length: 3 }, (_, seq) => ({ org: 'globex', seq, occurredAtMs: T + seq * 1000, actor: `globex-user-${seq}` })),
  ]);
});
after(async () => {
  await api.close();
});

interface ToolCalls {
  items: { actor?: string }[];
  total: number;
}

const flush = (storedAt: number) =>
  recordFlush(api.store, {
    consumer: 'ledger-worker',
    storedAt,
    partitions: [{ topic: 'mcpg.audit.v1', partition: 0, committedOffset: String(storedAt % 1_000_000), highWatermark: '0', ingestLagMs: 1 }],
    deadLetters: [],
  });

test('two keys for different orgs, asking the same URL at the same time, each get their own org (the org comes from the key)', async () => {
  const url = '/api/v1/audit/tool-calls?page_size=50';
  const asks = Array.from({ length: 12 }, (_, i) => api.app.inject({ method: 'GET', url, headers: bearer(i % 2 ? 'globex-reader' : 'acme-reader') }));
  const answers = await Promise.all(asks);
  answers.forEach((res, i) => {
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as ToolCalls;
    const org = i % 2 ? 'globex' : 'acme';
    assert.equal(body.total, org === 'acme' ? 5 : 3, `request ${i} (${org}) got ${res.body}`);
    for (const item of body.items) assert.match(String(item.actor), new RegExp(`^${org}-user-`));
  });
  // And later, from the kept answers: still each key its own.
  for (const [key, total] of [['globex-reader', 3], ['acme-reader', 5]] as const) {
    const res = await api.app.inject({ method: 'GET', url, headers: bearer(key) });
    assert.equal((res.json() as ToolCalls).total, total, key);
  }
});

test('the same key over two orgs in the path: never the other org\'s answer', async () => {
  const [a, g] = await Promise.all([
    api.app.inject({ method: 'GET', url: '/v1/orgs/acme/audit?limit=10', headers: bearer('all') }),
    api.app.inject({ method: 'GET', url: '/v1/orgs/globex/audit?limit=10', headers: bearer('all') }),
  ]);
  assert.equal((a.json() as ToolCalls).items.length, 5);
  assert.equal((g.json() as ToolCalls).items.length, 3);
  // A key refused for an org is refused even once another key's answer is kept.
  const denied = await api.app.inject({ method: 'GET', url: '/v1/orgs/acme/audit?limit=10', headers: bearer('globex-reader') });
  assert.equal(denied.statusCode, 403);
});

test('an answer is reused until a worker flush is recorded, then computed again with the new rows', async () => {
  await flush(Date.now());
  const url = '/v1/orgs/acme/audit?limit=100&actor=late-user';
  const ask = () => api.app.inject({ method: 'GET', url, headers: bearer('acme-reader') });
  const first = await ask();
  assert.equal((first.json() as ToolCalls).items.length, 0);
  assert.equal(first.headers['x-mcpg-cache'], undefined, 'computed');
  await insertAuditFixtures(api.store, [{ org: 'acme', seq: 5, occurredAtMs: Date.UTC(2026, 1, 26, 15), actor: 'late-user' }]);
  const kept = await ask();
  assert.equal(kept.headers['x-mcpg-cache'], 'hit');
  assert.equal((kept.json() as ToolCalls).items.length, 0, 'no flush recorded: the kept answer stands');
  await flush(Date.now() + 1);
  const fresh = await ask();
  assert.equal(fresh.headers['x-mcpg-cache'], undefined, 'a flush since: computed again');
  assert.equal((fresh.json() as ToolCalls).items.length, 1);
});

test('identical concurrent requests are computed once and all get the answer', async () => {
  const url = '/v1/orgs/acme/metrics?granularity=minute&latency_ms=true';
  const answers = await Promise.all(Array.from({ length: 8 }, () => api.app.inject({ method: 'GET', url, headers: bearer('acme-reader') })));
  const computed = answers.filter((r) => r.headers['x-mcpg-cache'] === undefined);
  assert.equal(computed.length, 1, answers.map((r) => r.headers['x-mcpg-cache']).join(','));
  for (const r of answers) {
    assert.equal(r.statusCode, 200);
    assert.equal(r.body, computed[0]!.body);
    assert.match(String(r.headers['content-type']), /text\/plain/);
  }
});

test('fleet scrapes arriving while the exposition is computed for a new flush get the previous one (stale); other routes wait for the new answer', async () => {
  const fleet = '/v1/orgs/acme/metrics?granularity=minute';
  const search = '/v1/orgs/acme/audit?limit=3';
  const ask = (url: string) => api.app.inject({ method: 'GET', url, headers: bearer('acme-reader') });
  await flush(Date.now() + 10);
  const [before, searched] = [await ask(fleet), await ask(search)];
  assert.equal(before.headers['x-mcpg-cache'], undefined);
  assert.equal(searched.headers['x-mcpg-cache'], undefined);
  // The exposition carries the pipeline's committed offsets: a flush changes it.
  await flush(Date.now() + 20);
  const scrapes = await Promise.all(Array.from({ length: 6 }, () => ask(fleet)));
  const computed = scrapes.filter((r) => r.headers['x-mcpg-cache'] === undefined);
  const stale = scrapes.filter((r) => r.headers['x-mcpg-cache'] === 'stale');
  // (One that got here only after the new answer was kept is a hit on it.)
  const hits = scrapes.filter((r) => r.headers['x-mcpg-cache'] === 'hit');
  const how = scrapes.map((r) => r.headers['x-mcpg-cache']).join(',');
  assert.equal(computed.length, 1, how);
  assert.ok(stale.length >= 1 && stale.length + hits.length === 5, how);
  assert.notEqual(computed[0]!.body, before.body, 'the scrape that computed has the new flush');
  for (const r of stale) assert.equal(r.body, before.body, 'the others: the previous exposition, whole');
  for (const r of hits) assert.equal(r.body, computed[0]!.body);
  const later = await ask(fleet);
  assert.equal(later.headers['x-mcpg-cache'], 'hit');
  assert.equal(later.body, computed[0]!.body, 'once computed, the new one');
  const searches = await Promise.all(Array.from({ length: 4 }, () => ask(search)));
  const searchHow = searches.map((r) => r.headers['x-mcpg-cache']);
  assert.equal(searchHow.filter((h) => h === undefined).length, 1, searchHow.join(','));
  assert.ok(searchHow.every((h) => h !== 'stale'), 'only the fleet endpoint serves a previous answer');
});

test('past the queue limit: 503 with Retry-After naming the overload; /healthz and /readyz are never queued', async () => {
  const small = await createTestApi({ load: { maxConcurrent: 1, queueLimit: 0, cacheMaxAgeMs: 0 } });
  try {
    // Different queries (no coalescing): one runs, the others find no room.
    const asks = [1, 2, 3, 4].map((n) => small.app.inject({ method: 'GET', url: `/v1/orgs/acme/audit?limit=${n}` }));
    const health = [small.app.inject({ method: 'GET', url: '/healthz' }), small.app.inject({ method: 'GET', url: '/readyz' })];
    const answers = await Promise.all(asks);
    const refused = answers.filter((r) => r.statusCode === 503);
    assert.ok(refused.length >= 1 && refused.length < 4, answers.map((r) => r.statusCode).join(','));
    for (const r of refused) {
      assert.equal(r.headers['retry-after'], '1');
      assert.equal((r.json() as { error: { code: string } }).error.code, 'OVERLOADED');
    }
    for (const r of answers) assert.ok(r.statusCode === 200 || r.statusCode === 503);
    for (const h of await Promise.all(health)) assert.equal(h.statusCode, 200);
    // Once the load is gone, the same requests pass.
    for (const n of [1, 2]) assert.equal((await small.app.inject({ method: 'GET', url: `/v1/orgs/acme/audit?limit=${n}` })).statusCode, 200);
  } finally {
    await small.close();
  }
});

const connections = (app: FastifyInstance) => new Promise<number>((resolve, reject) => app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
/** Until the server has seen every other socket close (a client's close reaches it later than the client's destroy). */
async function socketsOpen(app: FastifyInstance, n: number): Promise<void> {
  for (let i = 0; i < 500 && (await connections(app)) !== n; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(await connections(app), n, 'sockets open on the server');
}

async function engineSlots(app: FastifyInstance): Promise<{ running: number; queued: number }> {
  const body = (await app.inject({ method: 'GET', url: '/api/v1/metrics' })).body;
  const line = (name: string) => Number(/^(\S+) (\S+)$/m.exec(body.split('\n').filter((l) => l.startsWith(name)).join('\n'))?.[2]);
  return { running: line('http_engine_running_requests'), queued: line('http_engine_queue_requests{class="query"}') };
}

test('a client that leaves while its request waits for the engine does not keep a slot', async () => {
  const store = await createTestStore();
  const app = buildApi({ store, load: { maxConcurrent: 1, queueLimit: 10, cacheMaxAgeMs: 0 } });
  // A query route that holds its engine slot until the test lets it go.
  let letGo!: () => void;
  const held = new Promise<void>((r) => (letGo = r));
  app.get('/v1/orgs/:org/tokens/held', async () => {
    await held;
    return { ok: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const running = () => engineSlots(app);
  try {
    const first = fetch(`http://127.0.0.1:${port}/v1/orgs/acme/tokens/held`);
    // The second waits in the queue; its client then goes away.
    const req = httpRequest({ host: '127.0.0.1', port, path: '/v1/orgs/acme/audit?limit=1' });
    req.on('error', () => undefined);
    req.end();
    for (let i = 0; i < 200 && (await running()).queued !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await running(), { running: 1, queued: 1 });
    req.destroy();
    await socketsOpen(app, 1);
    letGo();
    assert.equal((await first).status, 200);
    for (let i = 0; i < 200 && (await running()).running !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await running(), { running: 0, queued: 0 }, 'every slot is free again');
    for (const n of [1, 2, 3]) assert.equal((await app.inject({ method: 'GET', url: `/v1/orgs/acme/audit?limit=${n}` })).statusCode, 200);
  } finally {
    await app.close();
    await store.close();
  }
});

test('a pipelined request whose client leaves while it waits for the engine does not keep a slot', async () => {
  // The second request on a socket, sent before the first is answered, gets
  // a response the socket has not started: when the socket goes, that
  // response never emits 'close'. Its slot must be let go all the same.
  const store = await createTestStore();
  const app = buildApi({ store, load: { maxConcurrent: 1, queueLimit: 10, cacheMaxAgeMs: 0 } });
  let letGo!: () => void;
  const held = new Promise<void>((r) => (letGo = r));
  app.get('/v1/orgs/:org/tokens/held', async () => {
    await held;
    return { ok: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  try {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.write('GET /v1/orgs/acme/tokens/held HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/orgs/acme/audit?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n');
    for (let i = 0; i < 200 && (await engineSlots(app)).queued !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await engineSlots(app), { running: 1, queued: 1 }, 'the first holds the slot, the second waits');
    socket.destroy();
    await socketsOpen(app, 0);
    letGo();
    for (let i = 0; i < 200 && (await engineSlots(app)).running !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(await engineSlots(app), { running: 0, queued: 0 }, 'every slot is free again');
    for (const n of [1, 2, 3]) assert.equal((await app.inject({ method: 'GET', url: `/v1/orgs/acme/audit?limit=${n}` })).statusCode, 200);
  } finally {
    await app.close();
    await store.close();
  }
});
