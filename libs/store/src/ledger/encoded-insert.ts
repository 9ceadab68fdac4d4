// Inserts of the ledger's big tables (audit_log, audit_merkle_nodes) as rows
// the writer encoded itself: one JSONCompactEachRow line per row, in one
// Buffer. Through the client, a 20k-row audit_log insert cost ~3x the CPU
// (bench/ledger-append.ts): the client stringifies every row as an array,
// and on the embedded engine the connection then copies the whole body into
// one query string that the engine scans again. Here the embedded engine gets
// the bytes as they are (chdb's raw insert: no copy, parsed by the engine),
// and a server gets them as the request body.
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Store } from '../create-store.ts';
import { acquireEmbeddedEngine } from '../embedded-engine.ts';
import { StoreError } from '../errors.ts';

interface RawChdbInsert {
  rawInsert(p: { table: string; columns: readonly string[]; values: Buffer; format: 'JSONCompactEachRow' }): Promise<unknown>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `body`: one JSONCompactEachRow line per row, each ending in '\n'. Throws what the engine threw. */
export async function insertJsonLines(store: Store, table: string, columns: readonly string[], body: Buffer): Promise<void> {
  // Spliced into the statement: constants of this lib, checked anyway.
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new StoreError('INVALID_CONFIG', `invalid identifier ${JSON.stringify(name)} in an insert`, false);
  }
  if (!body.length) return;
  // The lease below would open the engine again for a closed store: refuse, as the client does.
  if (store.closed) throw new StoreError('STORE_CLOSED', `the store for ${store.location} is closed`, false);
  if (store.kind === 'embedded') {
    // The process has one embedded session (embedded-engine.ts), which the
    // store holds a lease on; this borrows it for the one call.
    const lease = acquireEmbeddedEngine(store.location);
    try {
      const raw = (lease.connection as { chdb?: RawChdbInsert }).chdb;
      if (raw !== undefined) {
        await raw.rawInsert({ table: `${store.database}.${table}`, columns, values: body, format: 'JSONCompactEachRow' });
        return;
      }
    } finally {
      await lease.release();
    }
  }
  const result = await store.client.exec({
    query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONCompactEachRow`,
    values: Readable.from([body], { objectMode: false }),
  });
  // An INSERT answers with an empty body; reading it to the end frees the connection.
  result.stream.resume();
  await finished(result.stream);
}

/** A nullable string as a JSON value. */
export const jsonOrNull = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));
