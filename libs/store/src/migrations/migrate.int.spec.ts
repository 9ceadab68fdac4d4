import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type Store } from '../create-store.ts';
import { StoreError } from '../errors.ts';
import { randomTestDatabase, testDataDir, createTestStore } from '../testing.ts';
import { migrate } from './migrate.ts';

const tempDirs: string[] = [];
after(() => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpg-migrations-'));
  tempDirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const TWO = {
  '001_a.sql': "CREATE TABLE IF NOT EXISTS a (x UInt8 COMMENT 'x; y') ENGINE = MergeTree ORDER BY x;\n",
  '002_b.sql': `-- two statements; one file
CREATE TABLE IF NOT EXISTS b (x UInt8) ENGINE = MergeTree ORDER BY x;
ALTER TABLE b ADD COLUMN IF NOT EXISTS y String DEFAULT 'z';
`,
};

async function tables(store: Store): Promise<string[]> {
  const rs = await store.client.query({ query: 'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name', format: 'JSONEachRow' });
  return (await rs.json<{ name: string }>()).map((r) => r.name);
}

async function recorded(store: Store): Promise<{ version: number; name: string }[]> {
  const rs = await store.client.query({ query: 'SELECT version, name FROM schema_migrations FINAL ORDER BY version', format: 'JSONEachRow' });
  return rs.json();
}

test('applies the repository migrations once; a second run is a no-op', async () => {
  const store = await createTestStore({ migrate: false });
  try {
    const first = await migrate(store);
    assert.ok(first.applied.some((m) => m.name === 'tool_invocations'));
    assert.ok((await tables(store)).includes('tool_invocations'));
    const second = await migrate(store);
    assert.deepEqual(second.applied, []);
    assert.equal(second.alreadyApplied, first.applied.length + first.skipped.length);
    // The embedded engine records the server-only ones (row policies) without running them.
    assert.ok(first.skipped.some((m) => m.name === 'analyst_org_scope'));
  } finally {
    await store.close();
  }
});

test('multi-statement files apply in order and are recorded', async () => {
  const store = await createTestStore({ migrate: false });
  try {
    const result = await migrate(store, { dir: migrationsDir(TWO) });
    assert.deepEqual(result.applied, [{ version: 1, name: 'a' }, { version: 2, name: 'b' }]);
    assert.deepEqual(await tables(store), ['a', 'b', 'schema_migrations']);
    assert.deepEqual(await recorded(store), [{ version: 1, name: 'a' }, { version: 2, name: 'b' }]);
  } finally {
    await store.close();
  }
});

test('two clients migrating at once end with one schema and one record per version', async () => {
  const database = randomTestDatabase();
  const dir = migrationsDir(TWO);
  const s1 = await createStore({ kind: 'embedded', dataDir: testDataDir(), database });
  const s2 = await createStore({ kind: 'embedded', dataDir: testDataDir(), database });
  try {
    await Promise.all([migrate(s1, { dir }), migrate(s2, { dir }), migrate(s1, { dir })]);
    assert.deepEqual(await tables(s1), ['a', 'b', 'schema_migrations']);
    assert.deepEqual(await recorded(s2), [{ version: 1, name: 'a' }, { version: 2, name: 'b' }]);
    const again = await migrate(s2, { dir });
    assert.deepEqual(again.applied, []);
  } finally {
    await s1.client.command({ query: `DROP DATABASE IF EXISTS ${database}` });
    await s1.close();
    await s2.close();
  }
});

test('an applied file that was edited is a checksum error and nothing runs', async () => {
  const store = await createTestStore({ migrate: false });
  try {
    await migrate(store, { dir: migrationsDir(TWO) });
    const edited = migrationsDir({
      ...TWO,
      '001_a.sql': 'CREATE TABLE IF NOT EXISTS a (x UInt16) ENGINE = MergeTree ORDER BY x;\n',
      '003_c.sql': 'CREATE TABLE IF NOT EXISTS c (x UInt8) ENGINE = Memory',
    });
    await assert.rejects(migrate(store, { dir: edited }), (e: unknown) => {
      return e instanceof StoreError && e.code === 'MIGRATION_CHECKSUM_MISMATCH' && e.message.includes('001_a.sql');
    });
    assert.ok(!(await tables(store)).includes('c'));
    // Line endings alone are not an edit.
    const crlf = migrationsDir({ ...TWO, '002_b.sql': (TWO['002_b.sql'] as string).replace(/\n/g, '\r\n') });
    assert.deepEqual((await migrate(store, { dir: crlf })).applied, []);
  } finally {
    await store.close();
  }
});

test('malformed migration sets are rejected before touching the database', async () => {
  const store = await createTestStore({ migrate: false });
  const invalid = (e: unknown) => e instanceof StoreError && e.code === 'MIGRATION_INVALID';
  try {
    await assert.rejects(migrate(store, { dir: migrationsDir({ '1_x.sql': 'SELECT 1' }) }), invalid);
    await assert.rejects(migrate(store, { dir: migrationsDir({ '001_a.sql': 'SELECT 1', '001_b.sql': 'SELECT 2' }) }), invalid);
    await assert.rejects(migrate(store, { dir: migrationsDir({ '001_a.sql': 'CREATE TABLE a (x UInt8) ENGINE = Memory' }) }), invalid);
    await assert.rejects(migrate(store, { dir: migrationsDir({ '001_a.sql': '-- nothing\n' }) }), invalid);
    assert.deepEqual(await tables(store), []);
  } finally {
    await store.close();
  }
});

test('a failing statement is MIGRATION_FAILED naming the file, and is not recorded', async () => {
  const store = await createTestStore({ migrate: false });
  try {
    const dir = migrationsDir({ '001_bad.sql': 'CREATE TABLE IF NOT EXISTS bad (x NoSuchType) ENGINE = Memory' });
    await assert.rejects(migrate(store, { dir }), (e: unknown) => {
      return e instanceof StoreError && e.code === 'MIGRATION_FAILED' && e.message.includes('001_bad.sql');
    });
    assert.deepEqual(await recorded(store), []);
  } finally {
    await store.close();
  }
});

// A server-only file holds what the embedded engine refuses (chdb answers
// CREATE ROW POLICY with ACCESS_DENIED): it is recorded there without running.
const WITH_SERVER_ONLY = {
  ...TWO,
  '003_policy.server.sql': 'CREATE ROW POLICY OR REPLACE p ON a AS PERMISSIVE FOR SELECT USING x = 1 TO ALL;\n',
  '004_c.sql': 'CREATE TABLE IF NOT EXISTS c (x UInt8) ENGINE = MergeTree ORDER BY x;\n',
};

async function recordedSkips(store: Store): Promise<{ version: number; skipped: number }[]> {
  const rs = await store.client.query({ query: 'SELECT version, skipped FROM schema_migrations FINAL ORDER BY version', format: 'JSONEachRow' });
  return rs.json();
}

test('on the embedded engine a .server.sql migration is recorded as skipped and later files still apply', async () => {
  const store = await createTestStore({ migrate: false });
  try {
    const dir = migrationsDir(WITH_SERVER_ONLY);
    const result = await migrate(store, { dir });
    assert.deepEqual(result.applied, [{ version: 1, name: 'a' }, { version: 2, name: 'b' }, { version: 4, name: 'c' }]);
    assert.deepEqual(result.skipped, [{ version: 3, name: 'policy' }]);
    assert.deepEqual(await tables(store), ['a', 'b', 'c', 'schema_migrations']);
    assert.deepEqual(await recordedSkips(store), [
      { version: 1, skipped: 0 },
      { version: 2, skipped: 0 },
      { version: 3, skipped: 1 },
      { version: 4, skipped: 0 },
    ]);
    const again = await migrate(store, { dir });
    assert.deepEqual([again.applied, again.skipped, again.alreadyApplied], [[], [], 4]);
  } finally {
    await store.close();
  }
});

test('on a ClickHouse server a .server.sql migration runs (here chdb, posing as one, refuses it by name)', async () => {
  const embedded = await createTestStore({ migrate: false });
  // The same client, reported as a server: what the runner decides on is the store's kind.
  const asServer: Store = { ...embedded, kind: 'server' };
  try {
    await assert.rejects(migrate(asServer, { dir: migrationsDir(WITH_SERVER_ONLY) }), (e: unknown) => {
      return e instanceof StoreError && e.code === 'MIGRATION_FAILED' && e.message.includes('003_policy.server.sql') && /ACCESS_DENIED|CREATE ROW POLICY/.test(e.message);
    });
    // The files before it applied; it and the ones after it did not.
    assert.deepEqual(await recordedSkips(embedded), [{ version: 1, skipped: 0 }, { version: 2, skipped: 0 }]);
  } finally {
    await embedded.close();
  }
});

test('a database recorded before the skipped column existed gains it on the next run', async () => {
  const store = await createTestStore({ migrate: false });
  try {
    await store.client.command({
      query: "CREATE TABLE schema_migrations (version UInt32, name String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY version",
    });
    const result = await migrate(store, { dir: migrationsDir(WITH_SERVER_ONLY) });
    assert.deepEqual(result.skipped, [{ version: 3, name: 'policy' }]);
    assert.deepEqual((await recordedSkips(store)).map((r) => r.skipped), [0, 0, 1, 0]);
  } finally {
    await store.close();
  }
});
