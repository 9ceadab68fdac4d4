// Ingest benchmark: drives the fleet simulator at increasing rates through a
// real Kafka broker into the embedded ClickHouse engine via the rollup worker,
// and prints the sustained rate and produce → queryable lag for each step.
// The simulator runs as its own process (`mcpg sim`), as gateways would: the
// worker's event loop is not shared with the producer.
//
//   node --import tsx bench/e2e-ingest.ts [--rates 10000,20000,30000] [--seconds 20] [--producers 2] [--audit]
//
// Broker: MCPG_BENCH_KAFKA_BROKERS, or a local one started on port 19392.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createKafkaBus, provisionKafka, startLocalBroker } from '@mcpg/bus';
import { createStore, migrate } from '@mcpg/store';
import { startRollupWorker } from '@mcpg/workers';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : (process.argv[i + 1] ?? def);
};
const rates = arg('rates', '5000,10000,20000,30000,40000').split(',').map(Number);
const seconds = Number(arg('seconds', '20'));
const withAudit = process.argv.includes('--audit');
// Simulator processes per step, each sending rate/producers (gateways are many processes too).
const producers = Number(arg('producers', '2'));

const dir = mkdtempSync(join(tmpdir(), 'mcpg-bench-'));
let brokers = (process.env.MCPG_BENCH_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
let stopBroker = async () => {};
if (!brokers.length) {
  await provisionKafka({ quiet: true });
  const b = await startLocalBroker({ port: 19392, dataDir: join(dir, 'kafka') });
  brokers = b.brokers;
  stopBroker = () => b.stop();
}
const bus = createKafkaBus({ brokers, clientId: 'bench' });
const store = await createStore({ kind: 'embedded', dataDir: join(dir, 'clickhouse'), database: 'bench' });
await migrate(store);
const worker = await startRollupWorker({ bus, store, groupId: 'bench-rollup', batchRows: 20_000, flushMs: 250 });

console.log(`e2e ingest — ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log(`broker, engine, worker and ${producers} simulator processes on this machine; ${seconds}s per step; audit events ${withAudit ? 'on' : 'off'}`);
console.log('target/s  produced/s  stored/s  lag p50 ms  lag p99 ms  sustained');

async function countFor(org: string): Promise<number> {
  const rs = await store.client.query({
    query: 'SELECT count() AS n FROM tool_invocations WHERE org = {org:String}',
    query_params: { org },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

const run = promisify(execFile);
const cli = new URL('../bin/mcpg.mjs', import.meta.url).pathname;

/** Runs `producers` × `mcpg sim` in their own processes; returns what they report having sent. */
async function simulate(org: string, rate: number): Promise<{ calls: number; seconds: number }> {
  const one = async (i: number) => {
    const args = [cli, 'sim', '--kafka-brokers', brokers.join(','), '--orgs', org, '--rate', String(rate / producers)];
    args.push('--duration', String(seconds), '--seed', String(rate + i), '--gateways', '10', '--log-level', 'warn');
    args.push('--audit', String(withAudit));
    const { stdout } = await run(process.execPath, args);
    const m = stdout.match(/sent (\d+) tool calls .* in ([\d.]+) s/);
    if (!m) throw new Error(`unexpected simulator output: ${stdout}`);
    return { calls: Number(m[1]), seconds: Number(m[2]) };
  };
  const all = await Promise.all(Array.from({ length: producers }, (_, i) => one(i)));
  return { calls: all.reduce((a, r) => a + r.calls, 0), seconds: Math.max(...all.map((r) => r.seconds)) };
}

for (const rate of rates) {
  const org = `bench-${rate}-${Date.now()}`;
  const sent = await simulate(org, rate);
  const t1 = performance.now();
  const producedRate = sent.calls / sent.seconds;
  const deadline = performance.now() + 120_000;
  let stored = 0;
  while ((stored = await countFor(org)) < sent.calls && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  // Sending time as the simulators measured it (without process start-up),
  // plus the time the pipeline needed after they finished.
  const storedRate = stored / (sent.seconds + (performance.now() - t1) / 1000);
  const p50 = worker.lag.quantile(0.5);
  const p99 = worker.lag.quantile(0.99);
  const ok = storedRate >= 0.95 * rate && p99 < 2000;
  console.log(
    [rate, Math.round(producedRate), Math.round(storedRate), Math.round(p50), Math.round(p99), ok ? 'yes' : 'no']
      .map((v, i) => String(v).padStart(i === 5 ? 9 : i === 0 ? 8 : 10))
      .join('  '),
  );
}

await worker.stop();
await bus.close();
await store.close();
await stopBroker();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
