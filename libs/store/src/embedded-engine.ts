// The one embedded ClickHouse (chdb) session of this process.
//
// Module-level state, on purpose and only here: libchdb itself is
// process-global and binds ONE data directory per process (opening a second
// path is refused by the native layer). Stores are still created and passed in
// explicitly; this cache only lets several stores (one per database, e.g. the
// API and a worker in `mcpg up`, or several tests) share that single session,
// and closes it when the last store is closed.
import { resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { createChdbConnection } from 'chdb/connection';
import type { Connection } from './connection.ts';
import { StoreError } from './errors.ts';

interface Shared {
  readonly path: string;
  readonly connection: Connection;
  refs: number;
}

let shared: Shared | undefined;

export interface EmbeddedLease {
  readonly path: string;
  readonly connection: Connection;
  /** Gives the lease back; the session closes with the last lease. Idempotent. */
  release(): Promise<void>;
}

export function acquireEmbeddedEngine(dataDir: string): EmbeddedLease {
  const path = resolve(dataDir);
  if (shared && shared.path !== path) {
    throw new StoreError(
      'EMBEDDED_PATH_CONFLICT',
      `the embedded ClickHouse of this process is bound to ${shared.path}; cannot also open ${path} (one data directory per process: use another database name, or another process)`,
      false,
    );
  }
  if (!shared) {
    mkdirSync(path, { recursive: true });
    let connection: Connection;
    try {
      // chdb's connection implements the client's Connection contract from its
      // own copy of @clickhouse/client-common; the shapes are identical.
      connection = createChdbConnection({ path }) as unknown as Connection;
    } catch (err) {
      throw new StoreError('CLICKHOUSE_UNREACHABLE', `cannot open the embedded ClickHouse in ${path}`, false, { cause: err });
    }
    shared = { path, connection, refs: 0 };
  }
  const entry = shared;
  entry.refs++;
  let released = false;
  return {
    path,
    connection: entry.connection,
    async release() {
      if (released) return;
      released = true;
      entry.refs--;
      if (entry.refs === 0) {
        if (shared === entry) shared = undefined;
        await entry.connection.close();
      }
    },
  };
}
