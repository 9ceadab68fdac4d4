// What the analyst SQL endpoint adds to a query: the same statements run
// directly on the store's client and through the endpoint, with a key for
// every org and one limited to an org (the engine's additional_table_filters),
// alternating, on a few days of simulated traffic.
//
//   node --import tsx bench/sql-endpoint.ts [--runs 30]
import { cpus, loadavg, totalmem } from 'node:os';
import { createClient } from '@clickhouse/client';
import { createApiMetrics, hashSecret, sqlLimits, startSqlEndpoint } from '@mcpg/api';
import { seedTraffic } from '@mcpg/api/testing';
import { createTestStore } from '@mcpg/store/testing';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 30);
const store = await createTestStore();
await seedTraffic(store, 200_000);
const keys = [
  { id: 'all', sha256: hashSecret('all-secret'), orgs: ['*'], roles: ['sql' as const] },
  { id: 'acme', sha256: hashSecret('acme-secret'), orgs: ['acme'], roles: ['sql' as const] },
];
const sql = await startSqlEndpoint({
  store,
  apiKeys: keys,
  metrics: createApiMetrics(),
  listen: '127.0.0.1:0',
  limits: sqlLimits({ sqlMaxExecutionSeconds: 60, sqlMaxRowsToRead: 1e12, sqlMaxBytesToRead: 1e12, sqlMaxResultRows: 1e6, sqlMaxResultBytes: 2 ** 27, sqlMaxMemoryBytes: 2 ** 30 }),
  maxConcurrentPerKey: 4,
});
const all = createClient({ url: sql.url, username: 'all', password: 'all-secret' });
const acme = createClient({ url: sql.url, username: 'acme', password: 'acme-secret' });

const QUERIES = {
  'SELECT 1': 'SELECT 1',
  'calls per tool, one org': "SELECT plugin, tool, count() AS calls FROM tool_invocations FINAL WHERE org = 'acme' GROUP BY plugin, tool",
  'p99 per tool per hour, digests': `SELECT toStartOfHour(minute) AS hour, plugin, tool, quantilesTDigestWeighted(0.99)(mean, weight) AS p99
    FROM tool_rollups_1m FINAL ARRAY JOIN latency_means AS mean, latency_weights AS weight WHERE org = 'acme' GROUP BY hour, plugin, tool`,
};

async function time(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}
const q = (c: { query: typeof all.query }, query: string) => async () => (await c.query({ query, format: 'JSONEachRow' })).json();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

console.log(`analyst SQL endpoint overhead — ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, load ${loadavg()[0]!.toFixed(2)}`);
console.log(`200,000 calls of two orgs; ${runs} runs each, the three paths alternating; ms`);
console.log('query                              direct p50/p90   endpoint, all orgs p50/p90   endpoint, acme key p50/p90');
for (const [name, text] of Object.entries(QUERIES)) {
  const d: number[] = [];
  const a: number[] = [];
  const o: number[] = [];
  for (let i = 0; i < 3; i++) await Promise.all([q(store.client, text)(), q(all, text)(), q(acme, text)()]); // warm-up
  for (let i = 0; i < runs; i++) {
    d.push(await time(q(store.client, text)));
    a.push(await time(q(all, text)));
    o.push(await time(q(acme, text)));
  }
  const f = (xs: number[]) => `${pct(xs, 0.5).toFixed(1)} / ${pct(xs, 0.9).toFixed(1)}`.padStart(14);
  console.log(`${name.padEnd(34)} ${f(d)}   ${f(a).padStart(27)}   ${f(o).padStart(27)}`);
}
await all.close();
await acme.close();
await sql.close();
await store.close();
process.exit(0);
