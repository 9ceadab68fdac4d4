// Ingest while analysts query: the fleet simulator (its own processes)
// through a real Kafka broker into the embedded engine via the rollup worker,
// as in bench/e2e-ingest.ts, while the analyst SQL endpoint of the same
// process runs nothing, a heavy query, or the same heavy query with
// max_threads=1, in alternating rounds. Prints the stored rate and the
// worker's lag for each.
//
//   node --import tsx bench/sql-ingest.ts [--rate 4000] [--seconds 15] [--rounds 2]
//
// Broker: MCPG_BENCH_KAFKA_BROKERS, or a local one started on port 19291.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApiMetrics, sqlLimits, startSqlEndpoint } from '@mcpg/api';
import { createKafkaBus, provisionKafka, startLocalBroker } from '@mcpg/bus';
import { createStore, migrate } from '@mcpg/store';
import { startRollupWorker } from '@mcpg/workers';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : (process.argv[i + 1] ?? def);
};
const rate = Number(arg('rate', '4000'));
const seconds = Number(arg('seconds', '15'));
const rounds = Number(arg('rounds', '2'));
const producers = 2;

const dir = mkdtempSync(join(tmpdir(), 'mcpg-bench-sql-'));
let brokers = (process.env.MCPG_BENCH_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
let stopBroker = async () => {};
if (!brokers.length) {
  await provisionKafka({ quiet: true });
  const b = await startLocalBroker({ port: 19291, dataDir: join(dir, 'kafka') });
  brokers = b.brokers;
  stopBroker = () => b.stop();
}
const bus = createKafkaBus({ brokers, clientId: 'bench-sql' });
const store = await createStore({ kind: 'embedded', dataDir: join(dir, 'clickhouse'), database: 'bench' });
await migrate(store);
const worker = await startRollupWorker({ bus, store, groupId: 'bench-sql-rollup', batchRows: 20_000, flushMs: 250 });
const sql = await startSqlEndpoint({
  store,
  apiKeys: [],
  metrics: createApiMetrics(),
  listen: '127.0.0.1:0',
  limits: sqlLimits({ sqlMaxExecutionSeconds: 3_600, sqlMaxRowsToRead: 1e15, sqlMaxBytesToRead: 1e15, sqlMaxResultRows: 1_000_000, sqlMaxResultBytes: 2 ** 27, sqlMaxMemoryBytes: 2 ** 30 }),
  maxConcurrentPerKey: 4,
});

// A CPU-bound scan that runs until told to stop: what an expensive analyst
// query costs the engine, without depending on how much data is stored.
const HEAVY = 'SELECT sum(cityHash64(number)) FROM numbers(1000000000000)';

const run = promisify(execFile);
const cli = new URL('../bin/mcpg.mjs', import.meta.url).pathname;

async function countFor(org: string): Promise<number> {
  const rs = await store.client.query({ query: 'SELECT count() AS n FROM tool_invocations WHERE org = {org:String}', query_params: { org }, format: 'JSONEachRow' });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

async function simulate(org: string): Promise<{ calls: number; seconds: number }> {
  const one = async (i: number) => {
    const args = [cli, 'sim', '--kafka-brokers', brokers.join(','), '--orgs', org, '--rate', String(rate / producers), '--duration', String(seconds), '--seed', String(i + 1), '--gateways', '10', '--log-level', 'warn', '--audit', 'false'];
    const { stdout } = await run(process.execPath, args);
    const m = stdout.match(/sent (\d+) tool calls .* in ([\d.]+) s/);
    if (!m) throw new Error(`unexpected simulator output: ${stdout}`);
    return { calls: Number(m[1]), seconds: Number(m[2]) };
  };
  const all = await Promise.all(Array.from({ length: producers }, (_, i) => one(i)));
  return { calls: all.reduce((a, r) => a + r.calls, 0), seconds: Math.max(...all.map((r) => r.seconds)) };
}

/** Keeps one heavy analyst query running (a new one as each is cut) until `signal` aborts. */
async function analystLoad(signal: AbortSignal, settings: string): Promise<number> {
  let queries = 0;
  while (!signal.aborted) {
    // Each query is cut at 10 s so one outlives the step by at most that.
    await fetch(`${sql.url}/?max_execution_time=10${settings}`, { method: 'POST', body: HEAVY, signal }).then((r) => r.arrayBuffer()).catch(() => undefined);
    queries++;
  }
  return queries;
}

console.log(`ingest with analyst queries — ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z`);
console.log(`target ${rate}/s for ${seconds} s per step from ${producers} simulator processes; heavy query: ${HEAVY}`);
console.log('round  analyst load              stored/s  lag p50 ms  lag p99 ms  load avg   (lag over the newest 65,536 calls: about one step)');
const modes: [string, string | undefined][] = [
  ['none', undefined],
  ['heavy query', ''],
  ['heavy query, max_threads=1', '&max_threads=1'],
];
for (let round = 1; round <= rounds; round++) {
  for (const [label, settings] of modes) {
    const org = `bench-${round}-${label.replace(/\W+/g, '-')}-${Date.now()}`;
    const stop = new AbortController();
    const load = settings === undefined ? Promise.resolve(0) : analystLoad(stop.signal, settings);
    const sent = await simulate(org);
    const t1 = performance.now();
    let stored = 0;
    const deadline = performance.now() + 180_000;
    while ((stored = await countFor(org)) < sent.calls && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    await load;
    const storedRate = stored / (sent.seconds + (performance.now() - t1) / 1000);
    console.log(
      `${String(round).padStart(5)}  ${label.padEnd(26)}${String(Math.round(storedRate)).padStart(8)}  ${String(Math.round(worker.lag.quantile(0.5))).padStart(10)}  ${String(Math.round(worker.lag.quantile(0.99))).padStart(10)}  ${loadavg()[0]!.toFixed(2).padStart(8)}`,
    );
  }
}

await sql.close();
await worker.stop();
await bus.close();
await store.close();
await stopBroker();
// The engine may still be finishing background work in its directory: retry the removal.
rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
process.exit(0);
