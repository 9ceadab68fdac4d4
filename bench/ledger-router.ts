// What the ledger's router (mcpg.audit.v1 -> mcpg.audit.by-org.v1) costs:
// N audit events produced to a fresh audit topic, then the router alone
// (decode, org and key check, one produce per flush, commit, pipeline
// progress in the embedded engine) until every event is routed. Prints
// events/s and CPU per event of this process (router, client and engine).
//   node --import tsx bench/ledger-router.ts [events=200000] [memory|kafka]
// Broker for kafka: MCPG_BENCH_KAFKA_BROKERS, or a local one started on port 19393.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaBus, createMemoryBus, provisionKafka, startLocalBroker } from '@mcpg/bus';
import { auditCodec, TOPICS, type AuditEvent } from '@mcpg/events';
import { createStore, migrate } from '@mcpg/store';
import { startAuditRouter } from '@mcpg/workers';
import { benchLedgerEvent } from './ledger-bench-event.ts';

const EVENTS = Number(process.argv[2] ?? 200_000);
const KIND = process.argv[3] ?? 'memory';
const ORGS = 50;
const dir = mkdtempSync(join(tmpdir(), 'mcpg-bench-router-'));
let stopBroker = async (): Promise<void> => undefined;
let brokers = (process.env.MCPG_BENCH_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (KIND === 'kafka' && !brokers.length) {
  await provisionKafka({ quiet: true });
  const b = await startLocalBroker({ port: 19393, dataDir: join(dir, 'kafka') });
  brokers = b.brokers;
  stopBroker = () => b.stop();
}
const run = Date.now().toString(36);
const source = `bench-router-${run}.audit`;
const routed = `bench-router-${run}.by-org`;
const bus = KIND === 'kafka' ? createKafkaBus({ brokers, clientId: `bench-router-${run}` }) : createMemoryBus();
const store = await createStore({ kind: 'embedded', dataDir: join(dir, 'clickhouse'), database: 'bench_router' });
try {
  await migrate(store);
  await bus.ensureTopics([source, routed, TOPICS.deadletter].map((name) => ({ name, partitions: 6 })));
  const producer = await bus.producer();
  for (let i = 0; i < EVENTS; i += 5000) {
    await producer.send(
      source,
      Array.from({ length: Math.min(5000, EVENTS - i) }, (_, k) => {
        const e = benchLedgerEvent(i + k, ORGS);
        return { key: e.org, value: auditCodec.encode(e as AuditEvent) };
      }),
    );
  }
  await producer.close();

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const router = await startAuditRouter({ bus, store, groupId: `bench-router-${run}`, sourceTopic: source, routedTopic: routed, batchRows: 10_000, flushMs: 200 });
  while (router.totals.messages < EVENTS) await new Promise((r) => setTimeout(r, 20));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await router.stop();
  const cpuUs = cpu.user + cpu.system;
  console.log(
    `router (${KIND}): ${EVENTS} events in ${(ms / 1000).toFixed(2)} s = ${Math.round(EVENTS / (ms / 1000)).toLocaleString('en')} events/s; ` +
      `CPU ${(cpuUs / 1e6).toFixed(2)} s = ${(cpuUs / EVENTS).toFixed(1)} µs per event (${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(1)).join(' ')})`,
  );
} finally {
  await bus.close();
  await store.close();
  await stopBroker();
  rmSync(dir, { recursive: true, force: true });
}
