// The ledger worker's write path without Kafka: masked audit events folded
// into per-org ledgers (canonical encoding, leaf hash, chain link, Merkle
// nodes, signed checkpoints) and stored in the embedded engine exactly as the
// worker stores them (foldAndStoreLedger: state read, then chunks whose fold
// overlaps the insert of the chunk before, then checkpoints, then states).
// The next batch is generated while the last one is written, as the worker's
// sink decodes the next batch meanwhile. Then what a checkpoint costs, and
// inclusion / consistency proofs served from the stored nodes at the final
// tree size.
//   node --import tsx bench/ledger-append.ts [rows=1000000] [batch=20000] [orgs=1] [chunk=LEDGER_CHUNK_ROWS] [tables=all|plain]
// tables=plain drops the 006 indexes (text, actor bloom filter) and the 010
// projection from this bench's own scratch database, to show what they cost.
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SigningKeys, signCheckpoint, signerKeyFromSeed, type LedgerEvent, SegmentedLedger } from '@mcpg/ledger';
import { createStore, migrate, queryLedgerStates, storedConsistencyProof, storedInclusionProof, insertCheckpoints } from '@mcpg/store';
import { LEDGER_CHUNK_ROWS, foldAndStoreLedger, foldLedgerBatch, type PendingLedgerEvent } from '@mcpg/workers';
import { BENCH_T0, benchLedgerEvent } from './ledger-bench-event.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const BATCH = Number(process.argv[3] ?? 20_000);
const ORGS = Number(process.argv[4] ?? 1);
const CHUNK = Number(process.argv[5] ?? LEDGER_CHUNK_ROWS);
const TABLES = process.argv[6] ?? 'all';
const T0 = BENCH_T0;
const segments = { rows: 1000, seconds: 60 };
const keys = new SigningKeys([{ key: signerKeyFromSeed('bench.invalid/ledger', new Uint8Array(32).fill(9)), window: { notBefore: null, notAfter: null } }]);

// Realistic masked audit events (~350 bytes of text each), 100 per second of event time.
const event = (i: number): LedgerEvent => benchLedgerEvent(i, ORGS);
const batchAt = (start: number): PendingLedgerEvent[] => {
  const batch: PendingLedgerEvent[] = [];
  for (let i = start; i < Math.min(ROWS, start + BATCH); i++) batch.push({ event: event(i), partition: 0, offset: String(i), routedPartition: 0 });
  return batch;
};

const dir = mkdtempSync(join(tmpdir(), 'mcpg-bench-ledger-'));
const store = await createStore({ kind: 'embedded', dataDir: dir, database: 'bench_ledger' });
await migrate(store);
if (TABLES === 'plain') {
  for (const q of ['ALTER TABLE audit_log DROP PROJECTION audit_rows_by_seq', 'ALTER TABLE audit_log DROP INDEX audit_search', 'ALTER TABLE audit_log DROP INDEX audit_actor_bf']) {
    await store.client.command({ query: q });
  }
}

console.log(`ledger append: ${ROWS} rows in ${ORGS} org(s), batches of ${BATCH} stored in chunks of ${CHUNK}, segments of ${segments.rows} rows / ${segments.seconds} s`);
console.log(`audit_log ${TABLES === 'plain' ? 'WITHOUT the 006 indexes and the 010 projection' : 'with every migration (006 text index and bloom filter, 008 seq index, 010 projection)'}`);
console.log(`${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

const rate = (ms: number) => `${Math.round(ROWS / (ms / 1000)).toLocaleString('en-US')} rows/s`;

// The fold alone (no storage), on the same events, for comparison.
{
  let stored = new Map();
  let ms = 0;
  for (let start = 0; start < ROWS; start += BATCH) {
    const batch = batchAt(start);
    const f0 = performance.now();
    const w = foldLedgerBatch(batch, stored, segments, keys);
    ms += performance.now() - f0;
    stored = new Map(w.states.map((s) => [s.org, s]));
  }
  console.log(`fold + sign alone, no storage               ${rate(ms)}`);
}

// CPU time of the whole process (JS thread and the engine's threads): on a
// shared host it says more than wall time about what the path costs.
const cpu0 = process.cpuUsage();
const elu0 = performance.eventLoopUtilization();
const t0 = performance.now();
let inFlight: Promise<void> = Promise.resolve();
for (let start = 0; start < ROWS; start += BATCH) {
  const batch = batchAt(start);
  await inFlight;
  inFlight = (async () => {
    const stored = await queryLedgerStates(store, [...new Set(batch.map((b) => b.event.org))]);
    await foldAndStoreLedger(store, batch, stored, segments, keys, CHUNK);
  })();
}
await inFlight;
const totalMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const elu = performance.eventLoopUtilization(elu0);
const cpuSec = (cpu.user + cpu.system) / 1e6;
console.log(`append, end to end (generate + fold + sign + store)  ${rate(totalMs)}  (${(totalMs / 1000).toFixed(1)} s)`);
console.log(`  CPU time                                 ${cpuSec.toFixed(1)} s = ${Math.round(ROWS / cpuSec).toLocaleString('en-US')} rows per CPU-second`);
console.log(`  JS thread busy                           ${(elu.utilization * 100).toFixed(0)}% of the wall time`);
const [{ parts, rows } = { parts: "?", rows: "?" }] = await (await store.client.query({ query: "SELECT toString(count()) AS parts, toString(sum(rows)) AS rows FROM system.parts WHERE database = currentDatabase() AND table = 'audit_log' AND active", format: 'JSONEachRow' })).json<{ parts: string; rows: string }>();
console.log(`  audit_log after the run                  ${rows} rows in ${parts} active parts`);

// A checkpoint on its own: root + Ed25519 sign, and its insert.
{
  const ledger = new SegmentedLedger('cp', { rows: 1, seconds: 60 });
  const n = 2000;
  const notes: string[] = [];
  const c0 = performance.now();
  for (let i = 0; i < n; i++) {
    const cp = ledger.append({ ...event(i), org: 'cp' }).closed[0]!.checkpoint;
    notes.push(signCheckpoint(cp, keys.signerFor(cp.eventTime)));
  }
  const c1 = performance.now();
  const i0 = performance.now();
  for (let i = 0; i < 20; i++) {
    await insertCheckpoints(store, [{ org: 'cp', treeSize: i + 1, firstSeq: i, root: '', chainHead: '', eventTime: T0, closedBy: 'rows', keyName: 'k', keyId: '00000000', signature: '', note: notes[i]! }]);
  }
  const i1 = performance.now();
  console.log(`checkpoint: fold + root + Ed25519 sign      ${((c1 - c0) / n * 1000).toFixed(0)} µs each`);
  console.log(`checkpoint: one insert on its own           ${((i1 - i0) / 20).toFixed(1)} ms`);
}

// Proofs from the stored nodes of org-0 at its final size.
{
  const size = Math.ceil(ROWS / ORGS);
  const times: number[] = [];
  const ctimes: number[] = [];
  for (let k = 0; k < 200; k++) {
    const index = Math.floor((k * 7919 * 104729) % size);
    const p0 = performance.now();
    await storedInclusionProof(store, 'org-0', index, size);
    times.push(performance.now() - p0);
    const from = 1 + Math.floor((k * 15485863) % (size - 1));
    const q0 = performance.now();
    await storedConsistencyProof(store, 'org-0', from, size);
    ctimes.push(performance.now() - q0);
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!.toFixed(1);
  console.log(`inclusion proof from the store at ${size} leaves    p50 ${pct(times, 0.5)} ms, p99 ${pct(times, 0.99)} ms`);
  console.log(`consistency proof from the store to ${size} leaves  p50 ${pct(ctimes, 0.5)} ms, p99 ${pct(ctimes, 0.99)} ms`);
}

await store.close();
rmSync(dir, { recursive: true, force: true });
