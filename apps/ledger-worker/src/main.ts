// ledger-worker: folds audit events into the per-org signed ledger in
// ClickHouse. Needs a signing key (MCPG_LEDGER_KEY_FILE or MCPG_LEDGER_KEY).
// Instances with the same group share the partitions of mcpg.audit.v1.
import { busSettings, ledgerSettings, loadConfig, storeSettings, telemetrySettings, workerSettings } from '@mcpg/config';
import { createLogger, startAppTracing } from '@mcpg/telemetry';
import { ledgerWorkerOptions, loadSigningKeys, openBus, openStore, startLedgerWorker, startWorkerHttp } from '@mcpg/workers';

const c = loadConfig({ ...busSettings, ...storeSettings, ...workerSettings, ...ledgerSettings, ...telemetrySettings }, { env: process.env, argv: process.argv.slice(2) });
const log = createLogger({ name: 'ledger-worker', level: c.logLevel });
const signingKeys = loadSigningKeys(c);
if (signingKeys === undefined) {
  log.fatal({}, 'no signing key: set MCPG_LEDGER_KEY_FILE (see `mcpg keys generate`) or MCPG_LEDGER_KEY');
  process.exit(2);
}
const tracing = startAppTracing('mcpg-ledger-worker', c, log);
const bus = openBus(c, log, 'ledger-worker');
const store = await openStore(c);
// Up before the worker joins its group: /healthz answers while /readyz waits.
const http = c.workerHttpPort ? await startWorkerHttp({ worker: 'ledger-worker', host: c.workerHttpHost, port: c.workerHttpPort, store }) : undefined;
const worker = await startLedgerWorker({
  bus,
  store,
  signingKeys,
  ...ledgerWorkerOptions(c),
  onFlushed: (r) => log.debug({ partitions: r.partitions, deadLetters: r.deadLetters.length }, 'flushed'),
  log,
  onFatal: (e) => {
    log.error({ err: String(e) }, 'ledger worker cannot go on; stopping');
    void shutdown(1);
  },
});
http?.attach(worker);
log.info({ brokers: c.kafkaBrokers, clickhouse: c.clickhouseUrl || 'embedded', http: http?.url, keys: signingKeys.keyring().format().trim().split('\n') }, 'ledger worker started');

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
