// How fast the embedded engine alone absorbs ledger rows: the ceiling of the
// ledger append path on this machine, whatever the JS side does. Real rows
// (folded from the same events as bench/ledger-append.ts, with their leaf
// hashes, chain links and Merkle nodes) are encoded into insert bodies before
// any timing starts; then each body goes to the engine's native insert and
// only that is timed: wall time, and the process's CPU time (the engine's
// threads included). Every combination gets a fresh database with the real
// migrations, dropped afterwards so its merges do not run into the next one.
//   node --import tsx bench/ledger-engine-ceiling.ts [rows=200000] [tables=all|plain|no014] [formats=json,jsonfile,rowbinary] [batches=10000,50000,100000] [settings]
// tables=plain drops the 006 indexes (text, actor bloom filter), the 010
// audit_log projection, the 011 node projection and the 014 view (search's
// JSON copy of each row); 008 (a minmax index) stays. tables=no014 drops only
// the 014 view.
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SigningKeys, signerKeyFromSeed, type LedgerEvent } from '@mcpg/ledger';
import {
  LEDGER_ROW_COLUMNS,
  MERKLE_NODE_COLUMNS,
  createStore,
  encodeLedgerRowsJson,
  encodeLedgerRowsRowBinary,
  encodeMerkleNodesJson,
  encodeMerkleNodesRowBinary,
  migrate,
  type MerkleNodeRow,
  type StoredLedgerRow,
} from '@mcpg/store';
import { foldLedgerBatch, type PendingLedgerEvent } from '@mcpg/workers';
import { benchLedgerEvent } from './ledger-bench-event.ts';

const ROWS = Number(process.argv[2] ?? 200_000);
const TABLES = process.argv[3] ?? 'all';
const FORMATS = (process.argv[4] ?? 'json,jsonfile,rowbinary').split(',') as ('json' | 'jsonfile' | 'rowbinary')[];
const BATCHES = (process.argv[5] ?? '10000,50000,100000').split(',').map(Number);
// Insert-level settings to try, e.g. optimize_on_insert=0 (a ReplacingMergeTree
// then skips folding duplicates within the block; FINAL reads and merges fold them).
const SETTINGS = process.argv[6] ?? '';
const keys = new SigningKeys([{ key: signerKeyFromSeed('bench.invalid/ledger', new Uint8Array(32).fill(9)), window: { notBefore: null, notAfter: null } }]);

// The events of bench/ledger-append.ts (~350 bytes of masked text each), one org.
const event = (i: number): LedgerEvent => benchLedgerEvent(i);

// JSON lines go to the native insert entry chdb's raw insert uses (text
// formats only: inline data after the statement, which ends at an empty line,
// so binary bytes cannot travel that way); RowBinary, and JSON lines as
// `jsonfile` for comparison, are read from files written before the timing
// starts (INSERT ... FROM INFILE).
const require = createRequire(import.meta.url);
const native = require(join(dirname(require.resolve('chdb')), 'dist', 'loader.js')).loadNative() as {
  InsertRawAsyncConnection(c: unknown, prefix: string, data: Buffer, countLines: boolean): Promise<unknown>;
};
const { Session } = require('chdb') as {
  Session: new (path: string) => { connection: unknown; queryAsync(sql: string): Promise<unknown>; close(): void };
};

const rows: StoredLedgerRow[] = [];
const nodes: MerkleNodeRow[] = [];
{
  let stored = new Map();
  for (let start = 0; start < ROWS; start += 10_000) {
    const batch: PendingLedgerEvent[] = [];
    for (let i = start; i < Math.min(ROWS, start + 10_000); i++) batch.push({ event: event(i), partition: 0, offset: String(i), routedPartition: 0 });
    const w = foldLedgerBatch(batch, stored, { rows: 1000, seconds: 60 }, keys);
    rows.push(...w.rows);
    nodes.push(...w.nodes);
    stored = new Map(w.states.map((s) => [s.org, s]));
  }
}
const nodeHashes = nodes.reduce((n, r) => n + r.nodes.length, 0);

const dir = mkdtempSync(join(tmpdir(), 'mcpg-bench-ceiling-'));
const session = new Session(dir);
console.log(`engine ceiling: ${ROWS} ledger rows (${(nodeHashes / ROWS).toFixed(2)} node hashes per row), tables=${TABLES}${SETTINGS ? `, insert settings ${SETTINGS}` : ''}`);
console.log(`${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('format     batch   table               MB in   rows/s    CPU-s per 1M rows   wall s');

let n = 0;
for (const format of FORMATS) {
  for (const batch of BATCHES) {
    const database = `ceiling_${process.pid}_${n++}`;
    const store = await createStore({ kind: 'embedded', dataDir: dir, database });
    await migrate(store);
    // Measured, not changed: 014's view writes every audit_log row again, as JSON, into audit_rows_json.
    if (TABLES === 'plain' || TABLES === 'no014') await store.client.command({ query: 'DROP VIEW IF EXISTS audit_rows_json_mv' });
    if (TABLES === 'plain') {
      for (const q of [
        'ALTER TABLE audit_log DROP PROJECTION audit_rows_by_seq',
        'ALTER TABLE audit_log DROP INDEX audit_search',
        'ALTER TABLE audit_log DROP INDEX audit_actor_bf',
        'ALTER TABLE audit_merkle_nodes DROP PROJECTION audit_merkle_nodes_by_seq',
      ]) {
        await store.client.command({ query: q });
      }
    }
    const encodeRows = format !== 'rowbinary' ? encodeLedgerRowsJson : (r: readonly StoredLedgerRow[]) => encodeLedgerRowsRowBinary(r);
    const encodeNodes = format !== 'rowbinary' ? encodeMerkleNodesJson : (r: readonly MerkleNodeRow[]) => encodeMerkleNodesRowBinary(r);
    const fmt = format !== 'rowbinary' ? 'JSONCompactEachRow' : 'RowBinary';
    const label = format === 'jsonfile' ? 'JSON file' : format === 'json' ? 'JSON' : 'RowBinary';
    const bodies = { audit_log: [] as Buffer[], audit_merkle_nodes: [] as Buffer[] };
    // The encoding is the JS thread's part (not the engine's): timed on its own.
    const e0 = performance.now();
    for (let at = 0; at < ROWS; at += batch) {
      bodies.audit_log.push(encodeRows(rows.slice(at, at + batch)));
      bodies.audit_merkle_nodes.push(encodeNodes(nodes.slice(at, at + batch)));
    }
    const encodeUs = ((performance.now() - e0) * 1000) / ROWS;
    const files = { audit_log: [] as string[], audit_merkle_nodes: [] as string[] };
    if (format !== 'json') {
      for (const table of ['audit_log', 'audit_merkle_nodes'] as const) {
        bodies[table].forEach((b, k) => {
          const file = join(dir, `${database}-${table}-${k}.bin`);
          writeFileSync(file, b);
          files[table].push(file);
        });
      }
    }
    const columns = { audit_log: LEDGER_ROW_COLUMNS, audit_merkle_nodes: MERKLE_NODE_COLUMNS };
    let wallBoth = 0;
    let cpuBoth = 0;
    for (const table of ['audit_log', 'audit_merkle_nodes'] as const) {
      const settings = SETTINGS ? ` SETTINGS ${SETTINGS}` : '';
      const prefix = `INSERT INTO ${database}.${table} (${columns[table].join(', ')})${settings} FORMAT ${fmt}`;
      const mb = bodies[table].reduce((s, b) => s + b.length, 0) / 1e6;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      if (format === 'json') for (const body of bodies[table]) await native.InsertRawAsyncConnection(session.connection, prefix, body, false);
      else for (const file of files[table]) await session.queryAsync(prefix.replace(`)${settings} FORMAT `, `) FROM INFILE '${file}'${settings} FORMAT `));
      const wall = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1e6;
      wallBoth += wall;
      cpuBoth += cpu;
      console.log(
        `${label.padEnd(10)} ${String(batch).padStart(6)}  ${table.padEnd(18)} ${mb.toFixed(1).padStart(6)}  ${Math.round(ROWS / wall).toLocaleString('en-US').padStart(8)}  ${((cpu / ROWS) * 1e6).toFixed(2).padStart(10)}  ${wall.toFixed(2).padStart(13)}`,
      );
    }
    console.log(
      `${label.padEnd(10)} ${String(batch).padStart(6)}  ${'both'.padEnd(18)} ${''.padStart(6)}  ${Math.round(ROWS / wallBoth).toLocaleString('en-US').padStart(8)}  ${((cpuBoth / ROWS) * 1e6).toFixed(2).padStart(10)}  ${wallBoth.toFixed(2).padStart(13)}`,
    );
    console.log(`${label.padEnd(10)} ${String(batch).padStart(6)}  encoding both bodies on the JS thread: ${encodeUs.toFixed(2)} µs per row (not in the figures above)`);
    const [check] = await (await store.client.query({ query: 'SELECT toString(count()) AS n FROM audit_log', format: 'JSONEachRow' })).json<{ n: string }>();
    if (Number(check?.n) !== ROWS) throw new Error(`audit_log holds ${check?.n} rows, expected ${ROWS}`);
    await store.client.command({ query: `DROP DATABASE ${database} SYNC` });
    await store.close();
  }
}
console.log(`load at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
session.close();
rmSync(dir, { recursive: true, force: true });
