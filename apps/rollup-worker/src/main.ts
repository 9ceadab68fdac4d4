// rollup-worker: consumes call events and stores them in ClickHouse. Run as
// many instances as the topic has partitions; they share the consumer group.
import { busSettings, loadConfig, storeSettings, telemetrySettings, workerSettings } from '@mcpg/config';
import { createLogger, startAppTracing } from '@mcpg/telemetry';
import { openBus, openStore, rollupWorkerOptions, startRollupWorker, startWorkerHttp } from '@mcpg/workers';

const c = loadConfig({ ...busSettings, ...storeSettings, ...workerSettings, ...telemetrySettings }, { env: process.env, argv: process.argv.slice(2) });
const log = createLogger({ name: 'rollup-worker', level: c.logLevel });
const tracing = startAppTracing('mcpg-rollup-worker', c, log);
const bus = openBus(c, log, 'rollup-worker');
const store = await openStore(c);
// Up before the worker joins its group: /healthz answers while /readyz waits.
const http = c.workerHttpPort ? await startWorkerHttp({ worker: 'rollup-worker', host: c.workerHttpHost, port: c.workerHttpPort, store }) : undefined;
const worker = await startRollupWorker({
  bus,
  store,
  ...rollupWorkerOptions(c),
  onFlushed: (r) => log.debug({ partitions: r.partitions, deadLetters: r.deadLetters.length }, 'flushed'),
  log,
  onFatal: () => void shutdown(1),
});
http?.attach(worker);
log.info({ brokers: c.kafkaBrokers, clickhouse: c.clickhouseUrl || 'embedded', http: http?.url }, 'rollup worker started');

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  http?.draining();
  await worker.stop().catch((e) => log.error({ err: String(e) }, 'stopping the worker failed'));
  await bus.close();
  await store.close();
  await http?.close();
  await tracing.shutdown();
  process.exit(code);
}
process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
