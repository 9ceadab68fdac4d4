// Test support: an embedded store in a fresh, randomly named database, so
// tests share the process's one chdb data directory without seeing each
// other's rows. Not part of the production surface (import from
// `@mcpg/store/testing`).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, type Store } from './create-store.ts';
import { migrate } from './migrations/migrate.ts';

// chdb binds one data directory per process, so every test store of the
// process lives in the same temporary one, removed when the process exits.
let dataDir: string | undefined;

/** The temporary data directory test stores of this process use. */
export function testDataDir(): string {
  if (!dataDir) {
    const dir = mkdtempSync(join(tmpdir(), 'mcpg-test-chdb-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    dataDir = dir;
  }
  return dataDir;
}

export function randomTestDatabase(): string {
  return `mcpg_test_${randomBytes(6).toString('hex')}`;
}

/**
 * A store on a new database (migrated unless `migrate: false`). Its close()
 * drops the database first.
 */
export async function createTestStore(options: { migrate?: boolean } = {}): Promise<Store> {
  const store = await createStore({ kind: 'embedded', dataDir: testDataDir(), database: randomTestDatabase() });
  if (options.migrate !== false) await migrate(store);
  return {
    ...store,
    // A getter, not the value the spread copied: it must follow close().
    get closed() {
      return store.closed;
    },
    async close() {
      await store.client.command({ query: `DROP DATABASE IF EXISTS \`${store.database}\`` }).catch(() => undefined);
      await store.close();
    },
  };
}
export * from './audit/audit-fixtures.testing.ts';
export * from './test-clock.testing.ts';
