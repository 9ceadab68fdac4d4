// Inserts of the ledger's big tables (audit_log, audit_merkle_nodes) as rows
// the writer encoded itself, in one Buffer. Through the client, a 20k-row
// audit_log insert cost ~3x the CPU (bench/ledger-append.ts): the client
// stringifies every row as an array, and on the embedded engine the
// connection then copies the whole body into one query string that the
// engine scans again.
//
// The embedded engine reads RowBinary (row-binary.ts) from a file:
// `INSERT ... FROM INFILE`. Data inline after the statement (chdb's raw
// insert) is text only: it ends at the first empty line, so two 0x0A bytes
// in a binary value cut the insert short; and on the engine's side that
// inline path cost more than the format (bench/ledger-engine-ceiling.ts:
// JSON lines cost less CPU from a file than inline, RowBinary less again).
// The file is written in the data directory (ledger-inserts/) and removed
// after the insert; files a killed process left there are removed when the
// next process first inserts (one process holds a data directory at a time).
// A server gets JSON lines as the request body, as before (no server on the
// development host to measure RowBinary against).
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { Store } from '../create-store.ts';
import { StoreError } from '../errors.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkIdentifiers(table: string, columns: readonly string[]): void {
  // Spliced into the statement: constants of this lib, checked anyway.
  for (const name of [table, ...columns]) {
    if (!IDENTIFIER.test(name)) throw new StoreError('INVALID_CONFIG', `invalid identifier ${JSON.stringify(name)} in an insert`, false);
  }
}

// Per directory, once per process: the first insert clears what a killed
// process left; every insert of the process waits for that.
const preparedDirs = new Map<string, Promise<void>>();

function prepareDir(dir: string): Promise<void> {
  let ready = preparedDirs.get(dir);
  if (ready === undefined) {
    ready = rm(dir, { recursive: true, force: true }).then(() => mkdir(dir, { recursive: true }).then(() => undefined));
    preparedDirs.set(dir, ready);
    ready.catch(() => preparedDirs.delete(dir));
  }
  return ready;
}

/** A string literal for ClickHouse SQL. */
const sqlString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `body`: the rows in RowBinary, columns as listed. Embedded engine only. Throws what the engine threw. */
export async function insertRowBinaryEmbedded(store: Store, table: string, columns: readonly string[], body: Buffer): Promise<void> {
  checkIdentifiers(table, columns);
  if (!body.length) return;
  if (store.kind !== 'embedded') throw new StoreError('INVALID_CONFIG', 'RowBinary file inserts go to the embedded engine only', false);
  if (store.closed) throw new StoreError('STORE_CLOSED', `the store for ${store.location} is closed`, false);
  const dir = join(store.location, 'ledger-inserts');
  const file = join(dir, `${table}-${randomBytes(8).toString('hex')}.bin`);
  await prepareDir(dir);
  // Again each time (one cheap call): the directory may have been removed since.
  await mkdir(dir, { recursive: true });
  await writeFile(file, body);
  try {
    await store.client.command({ query: `INSERT INTO ${table} (${columns.join(', ')}) FROM INFILE ${sqlString(file)} FORMAT RowBinary` });
  } finally {
    await rm(file, { force: true });
  }
}

/** `body`: one JSONCompactEachRow line per row, each ending in '\n'. Throws what the engine threw. */
export async function insertJsonLines(store: Store, table: string, columns: readonly string[], body: Buffer): Promise<void> {
  checkIdentifiers(table, columns);
  if (!body.length) return;
  if (store.closed) throw new StoreError('STORE_CLOSED', `the store for ${store.location} is closed`, false);
  const result = await store.client.exec({
    query: `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONCompactEachRow`,
    values: Readable.from([body], { objectMode: false }),
  });
  // An INSERT answers with an empty body; reading it to the end frees the connection.
  result.stream.resume();
  await finished(result.stream);
}

/** Rows encoded for the store's engine: RowBinary on the embedded one, JSON lines for a server. */
export async function insertEncodedRows<R>(
  store: Store,
  table: string,
  columns: readonly string[],
  rows: readonly R[],
  rowBinary: (rows: readonly R[]) => Buffer,
  jsonLines: (rows: readonly R[]) => Buffer,
): Promise<void> {
  if (!rows.length) return;
  if (store.kind === 'embedded') await insertRowBinaryEmbedded(store, table, columns, rowBinary(rows));
  else await insertJsonLines(store, table, columns, jsonLines(rows));
}

/** A nullable string as a JSON value. */
export const jsonOrNull = (v: string | null): string => (v === null ? 'null' : JSON.stringify(v));
