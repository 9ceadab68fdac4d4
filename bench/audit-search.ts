// Audit search on the embedded engine: seeds N audit rows (bench/audit-search-seed.ts,
// default 10M) and 30 days of rollups, then prints p50/p99 of the queries the
// audit and token routes run, and the CSV export rate through the real HTTP
// server with its peak memory.
//   node --import tsx bench/audit-search.ts [rows=10000000] [iterations=50] [csvRows=1000000] [dataDir] [only]
// With a dataDir the seeded rows are kept there and reused by the next run
// (seeding 10M rows takes minutes); without one a temporary directory is used.
// `only` (a regular expression) runs just the measurements whose names match
// it (`csv` for the export).
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '@mcpg/api';
import { countAudit, createStore, migrate, pageAuditByKey, parseAuditText, queryTokenUsage, type AuditFilter, type AuditKey } from '@mcpg/store';
import { seedAuditLog, seedDayTotals, seedHourTotals, seedRollups } from './audit-search-seed.ts';

// The select of migration 014's view, for rows seeded before it.
const BACKFILL_ROWS_JSON_SQL = `INSERT INTO audit_rows_json
SELECT org, seq, occurred_at,
       toJSONString((seq, event_id, toString(workspace), toString(instance), toUnixTimestamp64Milli(occurred_at), toString(action), actor, resource,
                     toString(decision), toString(outcome), latency_us, arguments, response, error, trace_id)) AS row
FROM audit_log`;

const total = Number(process.argv[2] ?? 10_000_000);
const iterations = Number(process.argv[3] ?? 50);
const csvRows = Number(process.argv[4] ?? 1_000_000);
const keptDir = process.argv[5];
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'mcpg-bench-audit-'));
if (keptDir === undefined) process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const store = await createStore({ kind: 'embedded', dataDir, database: 'bench' });
await migrate(store);

// A kept directory seeded before holds the rows already; the seed's clock is
// its first row plus 30 days.
const seeded = await store.client.query({ query: 'SELECT count() AS n, toUnixTimestamp64Milli(min(occurred_at)) AS t0 FROM audit_log', format: 'JSONEachRow' });
const [before] = await seeded.json<{ n: string; t0: string }>();
let now = Date.now();
let t = performance.now();
if (Number(before?.n ?? 0) === total) {
  now = Number(before!.t0) + 30 * 86_400_000;
  console.log(`reusing ${total.toLocaleString('en')} seeded audit rows`);
  // Directories seeded before day totals were part of the seed get them now.
  const days = await (await store.client.query({ query: 'SELECT count() AS n FROM tool_totals_1d', format: 'JSONEachRow' })).json<{ n: string }>();
  if (Number(days[0]?.n ?? 0) === 0) await seedDayTotals(store);
  const hours = await (await store.client.query({ query: 'SELECT count() AS n FROM tool_totals_1h', format: 'JSONEachRow' })).json<{ n: string }>();
  if (Number(hours[0]?.n ?? 0) === 0) await seedHourTotals(store);
  // Directories seeded before migration 014 get its rows now (new rows get them from its view).
  const json = await (await store.client.query({ query: 'SELECT count() AS n FROM audit_rows_json', format: 'JSONEachRow' })).json<{ n: string }>();
  if (Number(json[0]?.n ?? 0) === 0) {
    const fill = performance.now();
    await store.client.command({ query: BACKFILL_ROWS_JSON_SQL });
    console.log(`audit_rows_json filled from audit_log in ${((performance.now() - fill) / 1000).toFixed(1)} s`);
  }
} else {
  if (Number(before?.n ?? 0) !== 0) throw new Error(`the data directory holds ${before?.n} audit rows, not ${total}: use an empty one`);
  await seedAuditLog(store, total, now, (done) => process.stdout.write(`\rseeded ${done.toLocaleString('en')} audit rows`));
  const seedS = (performance.now() - t) / 1000;
  t = performance.now();
  const rollups = await seedRollups(store, now);
  console.log(`\naudit_log: ${total.toLocaleString('en')} rows in ${seedS.toFixed(1)} s (${Math.round(total / seedS).toLocaleString('en')} rows/s, text index built on insert); rollups: ${rollups.toLocaleString('en')} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const load = () => (os.loadavg()[0] ?? 0).toFixed(1);
console.log(`load average (1 min) after seeding: ${load()}`);
const sizeRs = await store.client.query({
  query: `SELECT formatReadableSize(sum(data_compressed_bytes)) AS data, formatReadableSize(sum(secondary_indices_compressed_bytes)) AS indexes, count() AS parts
          FROM system.parts WHERE database = currentDatabase() AND table = 'audit_log' AND active`,
  format: 'JSONEachRow',
});
console.log('audit_log on disk:', JSON.stringify((await sizeRs.json())[0]));

const text = (q: string) => {
  const r = parseAuditText(q);
  if (!r.ok || !r.query) throw new Error(q);
  return r.query;
};

const only = new RegExp(process.argv[6] ?? '.');

async function measure(name: string, run: () => Promise<unknown>, times = iterations): Promise<void> {
  if (!only.test(name)) return;
  await run(); // warm
  const ms: number[] = [];
  let result: unknown;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < times; i++) {
    const s = performance.now();
    result = await run();
    ms.push(performance.now() - s);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / times;
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)]!.toFixed(1);
  const size = Array.isArray(result) ? `${result.length} rows` : typeof result === 'number' ? `= ${result.toLocaleString('en')}` : '';
  console.log(`${name.padEnd(52)} p50 ${q(0.5).padStart(7)} ms   p99 ${q(0.99).padStart(7)} ms   CPU ${cpuMs.toFixed(1).padStart(6)} ms/call   ${size}`);
}

const acme: AuditFilter = { org: 'acme' };
const page = (filter: AuditFilter, after?: AuditKey) => pageAuditByKey(store, filter, after ? { limit: 51, after } : { limit: 51 });
await measure('first page, one common word (q=invoice)', () => page({ ...acme, text: text('invoice') }));
await measure('first page, one rare word (q=ref4242, ~50 rows)', () => page({ ...acme, text: text('ref4242') }));
await measure('first page, two words (q=deploy rollback)', () => page({ ...acme, text: text('deploy rollback') }));
await measure('first page, phrase (q="permission denied")', () => page({ ...acme, text: text('"permission denied"') }));
await measure('filter-only page (workspace=prod, outcome=error)', () => page({ ...acme, workspace: 'prod', outcomes: ['error'] }));
await measure('filter-only page (actor=carol-7)', () => page({ ...acme, actor: 'carol-7' }));

let key: AuditKey | undefined;
for (let i = 0; i < 99 && only.test('page 100 by cursor'); i++) {
  const rows = await pageAuditByKey(store, acme, key ? { limit: 50, after: key } : { limit: 50 });
  const last = rows[rows.length - 1]!;
  key = { occurredAtMs: last.occurredAtMs, seq: last.seq };
}
await measure('page 100 by cursor (org only)', () => page(acme, key));
const toolCalls: AuditFilter = { ...acme, actions: ['tool.call', 'sandbox.exec', 'skill.invoke'], outcomes: ['error'] };
await measure('total count (tool calls, status=error)', () => countAudit(store, toolCalls));
await measure('total count (q=invoice)', () => countAudit(store, { ...acme, text: text('invoice') }));
await measure('total count (org only)', () => countAudit(store, acme));
await measure('tokens by tool per hour, 30 days (hour totals + edge minutes)', async () =>
  (await queryTokenUsage(store, { org: 'acme', fromMs: now - 30 * 86_400_000, toMs: now, groupBy: 'tool', interval: 'hour', top: 10 })).series,
  Math.min(iterations, 20),
);
await measure('tokens by tool per day, 30 days (day totals + edge minutes)', async () =>
  (await queryTokenUsage(store, { org: 'acme', fromMs: now - 30 * 86_400_000, toMs: now, groupBy: 'tool', interval: 'day', top: 10 })).series,
  Math.min(iterations, 20),
);

// CSV through the HTTP server, read as a stream: rows/s and peak memory.
if (!only.test('csv')) {
  await store.close();
  process.exit(0);
}
// The work of each request, not answers reused (bench/api-load.ts measures those).
const app = buildApi({ store, load: false });
await app.listen({ host: '127.0.0.1', port: 0 });
const port = (app.server.address() as { port: number }).port;
// The newest `csvRows` rows of acme: acme holds 70% of rows spread over 30 days.
const spanMs = Math.ceil((csvRows / (total * 0.7)) * 30 * 86_400_000);
const from = new Date(now - spanMs).toISOString();
const base = process.memoryUsage();
let peakRss = base.rss;
let peakHeap = base.heapUsed;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 20);
t = performance.now();
const csvCpu0 = process.cpuUsage();
const { lines, bytes } = await new Promise<{ lines: number; bytes: number }>((resolve, reject) => {
  request({ port, path: `/v1/orgs/acme/audit?format=csv&from=${encodeURIComponent(from)}` }, (res) => {
    let n = 0;
    let b = 0;
    res.on('data', (chunk: Buffer) => {
      b += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
    });
    res.on('end', () => resolve({ lines: n, bytes: b }));
    res.on('error', reject);
  })
    .on('error', reject)
    .end();
});
const csvS = (performance.now() - t) / 1000;
const csvCpu = process.cpuUsage(csvCpu0);
clearInterval(sampler);
const mb = (x: number) => `${(x / 1048576).toFixed(0)} MB`;
console.log(
  `CSV export: ${(lines - 1).toLocaleString('en')} rows, ${mb(bytes)} in ${csvS.toFixed(2)} s = ${Math.round((lines - 1) / csvS).toLocaleString('en')} rows/s; ` +
    `peak RSS ${mb(peakRss)} (+${mb(peakRss - base.rss)} over the start, engine included), peak JS heap ${mb(peakHeap)} (+${mb(peakHeap - base.heapUsed)}); ` +
    `CPU ${((csvCpu.user + csvCpu.system) / 1e6).toFixed(2)} s (HTTP reader included)`,
);
console.log(`load average (1 min) at the end: ${load()}`);
await app.close();
await store.close();
