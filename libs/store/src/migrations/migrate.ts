// Applies schema migrations in version order, each once, recorded in
// `schema_migrations`.
//
// ClickHouse has no transactions and no lock to hold across DDL, so two
// processes starting together may both apply the same migration. That is made
// harmless rather than prevented:
//  - every statement is idempotent (IF NOT EXISTS / IF EXISTS; checked when
//    the files are loaded), so running it twice leaves the same schema;
//  - the record is a ReplacingMergeTree keyed by version, read with FINAL, so
//    two processes recording the same version leave one logical row;
//  - a crash between applying and recording just re-applies next time.
//
// A `.server.sql` migration (access control: row policies and the like,
// which the embedded engine refuses) runs only when the store is a ClickHouse
// server. On the embedded engine it is recorded all the same, with
// skipped = 1, so versions stay one line in both engines and a later file
// never waits on an earlier one that cannot apply there.
import { fileURLToPath } from 'node:url';
import type { Store } from '../create-store.ts';
import { StoreError, toStoreError } from '../errors.ts';
import { loadMigrations, type Migration } from './load-migrations.ts';

/** The repository's `schemas/clickhouse` directory. */
export const CLICKHOUSE_SCHEMA_DIR = fileURLToPath(new URL('../../../../schemas/clickhouse/', import.meta.url));

export interface MigrateOptions {
  /** Directory of `NNN_name.sql` files; default CLICKHOUSE_SCHEMA_DIR. */
  readonly dir?: string;
}

export interface MigrateResult {
  /** Migrations this call applied, in order. */
  readonly applied: readonly { version: number; name: string }[];
  /** Server-only migrations this call recorded without running (the store is the embedded engine). */
  readonly skipped: readonly { version: number; name: string }[];
  /** Migrations found already applied (and unchanged). */
  readonly alreadyApplied: number;
  /**
   * Versions recorded in the database with no file here: a newer release
   * migrated this database. Not an error, so an older instance can still start
   * during a rolling upgrade.
   */
  readonly unknownApplied: readonly number[];
}

/** The table the runner records versions in (also rendered for a cluster). */
export const SCHEMA_MIGRATIONS_DDL = `
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version    UInt32                  COMMENT 'Number from the file name NNN_name.sql',
    name       String                  COMMENT 'Name from the file name',
    checksum   String                  COMMENT 'SHA-256 hex of the file text (LF line endings)',
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When it was (last) recorded',
    skipped    UInt8 DEFAULT 0         COMMENT '1: a server-only migration (NNN_name.server.sql) recorded on the embedded engine without running'
)
ENGINE = ReplacingMergeTree
ORDER BY version
COMMENT 'Applied schema migrations; one logical row per version (read with FINAL)'`;

/** Databases migrated before server-only migrations existed lack the column. */
const ADD_SKIPPED = `ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS skipped UInt8 DEFAULT 0
    COMMENT '1: a server-only migration (NNN_name.server.sql) recorded on the embedded engine without running'`;

/** ClickHouse may report these for IF NOT EXISTS DDL raced by another process: the object exists, which is the goal. */
const ALREADY_EXISTS_CODES = new Set(['57', '82']); // TABLE_ALREADY_EXISTS, DATABASE_ALREADY_EXISTS

export async function migrate(store: Store, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = await loadMigrations(options.dir ?? CLICKHOUSE_SCHEMA_DIR);
  const { client } = store;
  try {
    await client.command({ query: SCHEMA_MIGRATIONS_DDL });
    await client.command({ query: ADD_SKIPPED });
  } catch (err) {
    throw toStoreError(err, 'creating schema_migrations');
  }
  const recorded = await readRecorded(store);
  const files = new Map(migrations.map((m) => [m.version, m]));
  const unknownApplied = [...recorded.keys()].filter((v) => !files.has(v));
  const pending: Migration[] = [];
  for (const m of migrations) {
    const done = recorded.get(m.version);
    if (done === undefined) pending.push(m);
    else if (done !== m.checksum) {
      throw new StoreError(
        'MIGRATION_CHECKSUM_MISMATCH',
        `migration ${m.file} was changed after it was applied to ${store.database} (recorded sha256 ${done.slice(0, 12)}…, file ${m.checksum.slice(0, 12)}…); add a new migration instead of editing an applied one`,
        false,
      );
    }
  }
  const applied: { version: number; name: string }[] = [];
  const skipped: { version: number; name: string }[] = [];
  for (const m of pending) {
    const runs = runsOn(m, store.kind);
    if (runs) await applyOne(store, m);
    await record(store, m, !runs);
    (runs ? applied : skipped).push({ version: m.version, name: m.name });
  }
  return {
    applied,
    skipped,
    alreadyApplied: migrations.length - pending.length,
    unknownApplied,
  };
}

async function readRecorded(store: Store): Promise<Map<number, string>> {
  try {
    const rs = await store.client.query({
      query: 'SELECT version, checksum FROM schema_migrations FINAL ORDER BY version',
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ version: number | string; checksum: string }>();
    return new Map(rows.map((r) => [Number(r.version), r.checksum]));
  } catch (err) {
    throw toStoreError(err, 'reading schema_migrations');
  }
}

/** Whether a migration's statements run on this kind of store. */
export function runsOn(m: Pick<Migration, 'target'>, kind: Store['kind']): boolean {
  return m.target === 'any' || kind === 'server';
}

async function applyOne(store: Store, m: Migration): Promise<void> {
  for (const [i, statement] of m.statements.entries()) {
    try {
      await store.client.command({ query: statement });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && ALREADY_EXISTS_CODES.has(code) && /^\s*CREATE\b/i.test(statement)) continue;
      const cause = toStoreError(err, `${m.file}, statement ${i + 1}`);
      throw new StoreError('MIGRATION_FAILED', `migration ${cause.message}`, cause.retriable, { cause: err });
    }
  }
}

async function record(store: Store, m: Migration, skipped: boolean): Promise<void> {
  try {
    await store.client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name, checksum: m.checksum, skipped: skipped ? 1 : 0 }],
      format: 'JSONEachRow',
    });
  } catch (err) {
    throw toStoreError(err, `recording migration ${m.file}`);
  }
}
