import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from './create-store.ts';
import { StoreError } from './errors.ts';
import { randomTestDatabase, testDataDir } from './testing.ts';

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpg-other-'));
  tempDirs.push(dir);
  return dir;
};
after(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const isStoreError = (code: string) => (e: unknown) => e instanceof StoreError && e.code === code;

test('embedded: creates the database and binds the client to it', async () => {
  const database = randomTestDatabase();
  const store = await createStore({ kind: 'embedded', dataDir: testDataDir(), database });
  try {
    await store.ping();
    const rs = await store.client.query({ query: 'SELECT currentDatabase() AS db', format: 'JSONEachRow' });
    assert.deepEqual(await rs.json(), [{ db: database }]);
  } finally {
    await store.close();
  }
});

test('embedded: stores on two databases share the session but not their tables', async () => {
  const a = await createStore({ kind: 'embedded', dataDir: testDataDir(), database: randomTestDatabase() });
  const b = await createStore({ kind: 'embedded', dataDir: testDataDir(), database: randomTestDatabase() });
  try {
    await a.client.command({ query: 'CREATE TABLE t (x UInt8) ENGINE = Memory' });
    await b.client.command({ query: 'CREATE TABLE t (x UInt8) ENGINE = Memory' });
    // Interleaved calls: each must land in its own database.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).client.insert({ table: 't', values: [{ x: i % 2 }], format: 'JSONEachRow' })),
    );
    const count = async (s: typeof a) =>
      (await (await s.client.query({ query: 'SELECT sum(x) AS s, count() AS n FROM t', format: 'JSONEachRow' })).json<{ s: number; n: number }>())[0];
    assert.deepEqual(await count(a), { s: 20, n: 20 });
    assert.deepEqual(await count(b), { s: 0, n: 20 });
  } finally {
    await a.close();
    await b.close();
  }
});

test('embedded: a second data directory in the same process is refused', async () => {
  const keep = await createStore({ kind: 'embedded', dataDir: testDataDir(), database: randomTestDatabase() });
  try {
    const other = tempDir();
    await assert.rejects(createStore({ kind: 'embedded', dataDir: other, database: 'x' }), (e: unknown) => {
      return isStoreError('EMBEDDED_PATH_CONFLICT')(e) && (e as Error).message.includes(other);
    });
  } finally {
    await keep.close();
  }
});

test('closing one store leaves the others working; a closed store says so', async () => {
  const a = await createStore({ kind: 'embedded', dataDir: testDataDir(), database: randomTestDatabase() });
  const b = await createStore({ kind: 'embedded', dataDir: testDataDir(), database: randomTestDatabase() });
  await a.close();
  await a.close(); // idempotent
  await assert.rejects(a.ping(), isStoreError('STORE_CLOSED'));
  await b.ping();
  await b.close();
});

test('invalid database name is a config error', async () => {
  await assert.rejects(
    createStore({ kind: 'embedded', dataDir: testDataDir(), database: 'x`; DROP' }),
    isStoreError('INVALID_CONFIG'),
  );
});

test('server: an unreachable URL is CLICKHOUSE_UNREACHABLE naming the URL, without credentials', async () => {
  const url = 'http://admin:s3cret@127.0.0.1:1';
  await assert.rejects(createStore({ kind: 'server', url, database: 'mcpg' }), (e: unknown) => {
    assert.ok(e instanceof StoreError);
    assert.equal(e.code, 'CLICKHOUSE_UNREACHABLE');
    assert.equal(e.retriable, true);
    assert.match(e.message, /http:\/\/127\.0\.0\.1:1/);
    assert.doesNotMatch(e.message, /s3cret/);
    return true;
  });
});

test('once every store on a directory is closed, another directory can be opened', async () => {
  const other = tempDir();
  const s = await createStore({ kind: 'embedded', dataDir: other, database: 'after' });
  try {
    await s.ping();
    assert.equal(s.location, other);
  } finally {
    await s.close();
  }
  // And back: the first directory is free again too.
  const back = await createStore({ kind: 'embedded', dataDir: testDataDir(), database: randomTestDatabase() });
  await back.close();
});
