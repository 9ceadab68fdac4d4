// The ledger worker's write path against the engine's own ceiling for the
// same rows, in one run, alternating:
//   ceiling  the rows and Merkle nodes of the stream, folded and encoded as
//            RowBinary files before the clock starts (one insert per flush
//            and table), then only the engine's `INSERT … FROM INFILE` of
//            audit_log and audit_merkle_nodes is timed: what the engine alone
//            absorbs on this machine, whatever the JS side does.
//   worker   the routed audit messages (Avro single-object bytes with the
//            router's headers) through what the worker does after the
//            consumer hands them over: decode, check and mask each message
//            (decodeLedgerMessage), then per flush the state read and
//            foldAndStoreLedger (fold, sign, encode, write the files, insert
//            rows ‖ nodes, checkpoints, states), the next flush decoded fetch
//            by fetch while the last one is written, as the sink does. No broker: Kafka's
//            fetch and commit are the bus's cost, not the ledger's.
// The ceiling is also given counted until the merges its inserts started have
// finished (the worker, inserting all along, pays its merges inside its run).
// Each run gets a fresh database with every migration, dropped afterwards so
// its merges do not run into the next one. Rates are wall clock; CPU is the
// process's (the JS thread and the engine's threads).
//   node --import tsx bench/ledger-worker-ceiling.ts [rows=200000] [batch=20000] [pairs=2] [chunk=LEDGER_CHUNK_ROWS] [both|worker]
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SigningKeys, signerKeyFromSeed } from '@mcpg/ledger';
import { createMasker } from '@mcpg/masking';
import {
  LEDGER_ROW_COLUMNS,
  MERKLE_NODE_COLUMNS,
  createStore,
  encodeLedgerRowsRowBinary,
  encodeMerkleNodesRowBinary,
  migrate,
  queryLedgerStates,
  type LedgerStateRecord,
  type MerkleNodeRow,
  type StoredLedgerRow,
} from '@mcpg/store';
import { LEDGER_CHUNK_ROWS, decodeLedgerMessage, foldAndStoreLedger, foldLedgerBatch, type PendingLedgerEvent } from '@mcpg/workers';
import { routedAuditMessages } from './ledger-bench-messages.ts';

const ROWS = Number(process.argv[2] ?? 200_000);
const BATCH = Number(process.argv[3] ?? 20_000);
const PAIRS = Number(process.argv[4] ?? 2);
const CHUNK = Number(process.argv[5] ?? LEDGER_CHUNK_ROWS);
// Messages per consumer fetch (kafkajs hands over ~1 MB at a time: ~2,500 of these).
const FETCH = 1000;
// `worker` alone, e.g. under --cpu-prof.
const ONLY = process.argv[6] ?? 'both';
// The ceiling inserts each flush whole: the engine's cheapest insert size the
// worker could use (larger inserts cost it less per row), whatever the chunks.
const INSERT_ROWS = BATCH;
const segments = { rows: 1000, seconds: 60 };
const keys = new SigningKeys([{ key: signerKeyFromSeed('bench.invalid/ledger', new Uint8Array(32).fill(9)), window: { notBefore: null, notAfter: null } }]);
const masker = createMasker();
const uptime = () => execFileSync('uptime').toString().trim();
// CPU time of the JS thread alone (Linux: the process's main task, in clock
// ticks of 10 ms), to split the process's CPU into the JS side and the rest
// (the engine's threads, libuv's file writes).
const jsThreadUs = (): number => {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
};

console.log(`ledger worker vs engine ceiling: ${ROWS} audit events of one org, flushes of ${BATCH} (the worker stores them in chunks of ${CHUNK}, the ceiling whole), ${PAIRS} pairs`);
console.log(`${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, Node ${process.version}`);
console.log(`uptime at the start: ${uptime()}`);

// The routed messages the worker consumes: ~350 bytes of text each.
const messages = routedAuditMessages(ROWS);

const dir = mkdtempSync(join(tmpdir(), 'mcpg-bench-worker-ceiling-'));
let dbs = 0;
async function freshStore() {
  const store = await createStore({ kind: 'embedded', dataDir: dir, database: `wc_${process.pid}_${dbs++}` });
  await migrate(store);
  return store;
}
async function dropStore(store: Awaited<ReturnType<typeof freshStore>>, database: string) {
  const [check] = await (await store.client.query({ query: 'SELECT toString(count()) AS n FROM audit_log', format: 'JSONEachRow' })).json<{ n: string }>();
  if (Number(check?.n) !== ROWS) throw new Error(`audit_log holds ${check?.n} rows, expected ${ROWS}`);
  await store.client.command({ query: `DROP DATABASE ${database} SYNC` });
  await store.close();
}

// CPU of every thread of the process by thread name (digits dropped, so a
// pool counts as one), to tell the engine's threads from V8's garbage
// collection helpers and libuv's pool. A thread that ended during the run is
// missed; one that started counts from zero.
const threadCpu = (): Map<string, number> => {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim().replace(/[0-9]+$/, '').trim();
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const us = (Number(f[11]) + Number(f[12])) * 10_000;
      const key = tid === String(process.pid) ? '(JS thread)' : name;
      out.set(key, (out.get(key) ?? 0) + us);
    } catch {
      // The thread ended while being read.
    }
  }
  return out;
};
const threadCpuSince = (before: Map<string, number>): string => {
  const after = threadCpu();
  const rows = [...after].map(([name, us]) => [name, (us - (before.get(name) ?? 0)) / ROWS] as const).filter(([, v]) => v >= 0.5);
  return rows.sort((a, b) => b[1] - a[1]).map(([name, v]) => `${name} ${v.toFixed(1)}`).join(', ');
};

interface Run {
  readonly rowsPerSec: number;
  readonly cpuUsPerRow: number;
  readonly jsUsPerRow: number;
  /** µs per row by thread name. */
  readonly threads: string;
}

/** Each ceiling run again, counted until its merges had finished. */
const settled: Run[] = [];

async function ceiling(): Promise<Run> {
  // The same rows as the worker writes: the masked events, folded.
  const rows: StoredLedgerRow[] = [];
  const nodes: MerkleNodeRow[] = [];
  let stored = new Map<string, LedgerStateRecord>();
  for (let at = 0; at < ROWS; at += INSERT_ROWS) {
    const batch: PendingLedgerEvent[] = [];
    for (let i = at; i < Math.min(ROWS, at + INSERT_ROWS); i++) batch.push(decodeLedgerMessage(masker, messages[i]!));
    const w = foldLedgerBatch(batch, stored, segments, keys);
    rows.push(...w.rows);
    nodes.push(...w.nodes);
    stored = new Map(w.states.map((s) => [s.org, s]));
  }
  const database = `wc_${process.pid}_${dbs}`;
  const store = await freshStore();
  const files: { table: string; columns: readonly string[]; file: string }[] = [];
  for (let at = 0, k = 0; at < ROWS; at += INSERT_ROWS, k++) {
    for (const [table, columns, body] of [
      ['audit_log', LEDGER_ROW_COLUMNS, encodeLedgerRowsRowBinary(rows.slice(at, at + INSERT_ROWS))],
      ['audit_merkle_nodes', MERKLE_NODE_COLUMNS, encodeMerkleNodesRowBinary(nodes.slice(at, at + INSERT_ROWS))],
    ] as const) {
      const file = join(dir, `${database}-${table}-${k}.bin`);
      writeFileSync(file, body);
      files.push({ table, columns, file });
    }
  }
  const c0 = process.cpuUsage();
  const j0 = jsThreadUs();
  const th0 = threadCpu();
  const t0 = performance.now();
  for (const { table, columns, file } of files) {
    await store.client.command({ query: `INSERT INTO ${table} (${columns.join(', ')}) FROM INFILE '${file}' FORMAT RowBinary` });
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const js = jsThreadUs() - j0;
  const threads = threadCpuSince(th0);
  // The merges those inserts started, until none runs: a worker that keeps
  // inserting pays them as it goes, inside its own figure.
  while (true) {
    const [m] = await (await store.client.query({ query: 'SELECT toString(count()) AS n FROM system.merges WHERE database = currentDatabase()', format: 'JSONEachRow' })).json<{ n: string }>();
    if (Number(m?.n) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const settledWall = (performance.now() - t0) / 1000;
  const cs = process.cpuUsage(c0);
  for (const { file } of files) rmSync(file);
  await dropStore(store, database);
  settled.push({ rowsPerSec: ROWS / settledWall, cpuUsPerRow: (cs.user + cs.system) / ROWS, jsUsPerRow: (jsThreadUs() - j0) / ROWS, threads: threadCpuSince(th0) });
  return { rowsPerSec: ROWS / wall, cpuUsPerRow: (c.user + c.system) / ROWS, jsUsPerRow: js / ROWS, threads };
}

async function worker(): Promise<Run> {
  const database = `wc_${process.pid}_${dbs}`;
  const store = await freshStore();
  const c0 = process.cpuUsage();
  const j0 = jsThreadUs();
  const th0 = threadCpu();
  const t0 = performance.now();
  // As the sink runs: messages arrive in fetches and are decoded as they
  // come, yielding to the event loop between fetches, so a running flush
  // (its fold, then its inserts) interleaves with the decoding of the next
  // one; at a full buffer, wait for the last flush, then start this one.
  let inFlight: Promise<void> = Promise.resolve();
  let batch: PendingLedgerEvent[] = [];
  for (let at = 0; at < ROWS; at += FETCH) {
    for (let i = at; i < Math.min(ROWS, at + FETCH); i++) batch.push(decodeLedgerMessage(masker, messages[i]!));
    if (batch.length >= BATCH || at + FETCH >= ROWS) {
      const full = batch;
      batch = [];
      await inFlight;
      inFlight = (async () => {
        const stored = await queryLedgerStates(store, [...new Set(full.map((b) => b.event.org))]);
        await foldAndStoreLedger(store, full, stored, segments, keys, CHUNK);
      })();
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await inFlight;
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const js = jsThreadUs() - j0;
  const threads = threadCpuSince(th0);
  await dropStore(store, database);
  return { rowsPerSec: ROWS / wall, cpuUsPerRow: (c.user + c.system) / ROWS, jsUsPerRow: js / ROWS, threads };
}

const fmt = (r: Run) =>
  `${Math.round(r.rowsPerSec).toLocaleString('en-US').padStart(8)} rows/s  ${r.cpuUsPerRow.toFixed(1).padStart(6)} µs CPU per row` +
  ` (JS thread ${r.jsUsPerRow.toFixed(1)}, other threads ${(r.cpuUsPerRow - r.jsUsPerRow).toFixed(1)})`;
const ratios: number[] = [];
for (let p = 0; p < PAIRS; p++) {
  // Alternate which goes first, so neither always inherits the other's leftovers.
  const order = ONLY === 'worker' ? (['worker'] as const) : p % 2 === 0 ? (['ceiling', 'worker'] as const) : (['worker', 'ceiling'] as const);
  const got: Record<string, Run> = {};
  for (const which of order) {
    got[which] = which === 'ceiling' ? await ceiling() : await worker();
    console.log(`pair ${p + 1} ${which.padEnd(8)} ${fmt(got[which]!)}   (${uptime()})`);
    console.log(`pair ${p + 1} ${which.padEnd(8)} CPU µs per row by thread: ${got[which]!.threads}`);
    if (which === 'ceiling') console.log(`pair ${p + 1} ceiling with its merges ${fmt(settled.at(-1)!)}`);
  }
  if (!got.ceiling) continue;
  const ratio = got.worker!.rowsPerSec / got.ceiling.rowsPerSec;
  ratios.push(ratio);
  console.log(`pair ${p + 1} worker / ceiling = ${ratio.toFixed(2)}× (${(got.worker!.rowsPerSec / settled.at(-1)!.rowsPerSec).toFixed(2)}× the ceiling with its merges)`);
}
console.log(`worker / ceiling over ${PAIRS} pairs: ${ratios.map((r) => r.toFixed(2)).join(', ')}×`);
console.log(`uptime at the end: ${uptime()}`);
rmSync(dir, { recursive: true, force: true });
