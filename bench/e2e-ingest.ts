// Ingest benchmark: drives the fleet simulator at increasing rates through a
// real Kafka broker into the embedded ClickHouse engine via the rollup worker,
// and prints the sustained rate and produce → queryable lag for each step.
//
//   node --import tsx bench/e2e-ingest.ts [--rates 10000,20000,30000] [--seconds 20] [--audit]
//
// Broker: MCPG_BENCH_KAFKA_BROKERS, or a local one started on port 19392.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createKafkaBus, provisionKafka, startLocalBroker } from '@mcpg/bus';
import { createStore, migrate } from '@mcpg/store';
import { runFleetSim, startRollupWorker } from '@mcpg/workers';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : (process.argv[i + 1] ?? def);
};
const rates = arg('rates', '5000,10000,20000,30000,40000').split(',').map(Number);
const seconds = Number(arg('seconds', '20'));
const withAudit = process.argv.includes('--audit');

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
console.log(`broker, engine, worker and simulator in this machine; ${seconds}s per step; audit events ${withAudit ? 'on' : 'off'}`);
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

for (const rate of rates) {
  const org = `bench-${rate}-${Date.now()}`;
  const t0 = performance.now();
  const summary = await runFleetSim({ bus, seed: rate, orgs: [org], gateways: 10, rate, durationSec: seconds, audit: withAudit });
  const producedRate = summary.tally.calls / summary.elapsedSec;
  const deadline = performance.now() + 120_000;
  let stored = 0;
  while ((stored = await countFor(org)) < summary.tally.calls && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const storedRate = stored / ((performance.now() - t0) / 1000);
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
