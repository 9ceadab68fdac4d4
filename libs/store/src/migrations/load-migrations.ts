// Reads `NNN_name.sql` migration files: version from the number, statements
// from the splitter, checksum over the text (line endings normalised, so a
// CRLF checkout does not look like an edit). A file named `NNN_name.server.sql`
// is for a ClickHouse server only (access control such as row policies, which
// the embedded engine refuses): see migrate.ts for how it is recorded.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError } from '../errors.ts';
import { nonIdempotentReason } from './idempotence.ts';
import { splitSqlStatements } from './split-sql.ts';

/** Which engines a migration runs on: `any`, or only a ClickHouse server (`.server.sql`). */
export type MigrationTarget = 'any' | 'server';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly file: string;
  /** SHA-256 hex of the file text with CRLF normalised to LF. */
  readonly checksum: string;
  readonly statements: readonly string[];
  readonly target: MigrationTarget;
}

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)(\.server)?\.sql$/;

export async function loadMigrations(dir: string): Promise<Migration[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  } catch (err) {
    throw new StoreError('MIGRATION_INVALID', `cannot read the migrations directory ${dir}`, false, { cause: err });
  }
  const byVersion = new Map<number, Migration>();
  for (const file of files) {
    const m = FILE_NAME.exec(file);
    if (!m) {
      // A misnamed file would otherwise be skipped silently and its tables never created.
      throw new StoreError('MIGRATION_INVALID', `migration file ${file} is not named NNN_lower_snake_name.sql (or NNN_lower_snake_name.server.sql)`, false);
    }
    const version = Number(m[1]);
    const clash = byVersion.get(version);
    if (clash) throw new StoreError('MIGRATION_INVALID', `migrations ${clash.file} and ${file} share version ${version}`, false);
    const text = (await readFile(join(dir, file), 'utf8')).replace(/\r\n/g, '\n');
    const statements = splitSqlStatements(text);
    if (statements.length === 0) throw new StoreError('MIGRATION_INVALID', `migration ${file} holds no statement`, false);
    statements.forEach((s, i) => {
      const reason = nonIdempotentReason(s.code);
      if (reason) throw new StoreError('MIGRATION_INVALID', `migration ${file}, statement ${i + 1}: ${reason}`, false);
    });
    byVersion.set(version, {
      version,
      name: m[2] as string,
      file,
      checksum: createHash('sha256').update(text).digest('hex'),
      statements: statements.map((s) => s.text),
      target: m[3] ? 'server' : 'any',
    });
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}
