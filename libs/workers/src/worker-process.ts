// The process around a standalone worker, the same for every fold: bus and
// store from the settings, the worker's HTTP server up before ClickHouse
// answers and before the worker joins its group (/healthz answers while
// /readyz waits and says for what), and one shutdown for
// SIGINT, SIGTERM and a fatal error: drain the HTTP readiness, stop the worker
// (its last flush and commit), then close the bus, the store, the server and
// tracing, in that order.
import type { Bus, FlushReport } from '@mcpg/pipeline';
import type { Store } from '@mcpg/store';
import { openBus, openStore, type BusConfig, type ConnectLog, type StoreConfig } from './connect.ts';
import { startWorkerHttp, type WorkerProgress } from './worker-http.ts';
import { waitForStore } from './wait-for-store.ts';

export interface WorkerProcessConfig extends BusConfig, StoreConfig {
  readonly workerHttpHost: string;
  readonly workerHttpPort: number;
}

/** What the worker gets from the process. */
export interface WorkerDeps {
  readonly bus: Bus;
  readonly store: Store;
  /** Debug-logs each stored flush (positions, dead letters). */
  readonly onFlushed: (report: FlushReport) => void;
  /** Stops the process with exit code 1; the worker resumes from its committed offsets after a restart. */
  readonly onFatal: (e: unknown) => void;
}

export interface WorkerProcessOptions<W extends WorkerProgress & { stop(): Promise<void> }> {
  /** `rollup-worker`: names the Kafka client, the metrics and the log lines. */
  readonly name: string;
  readonly config: WorkerProcessConfig;
  readonly log: ConnectLog;
  readonly tracing: { shutdown(): Promise<void> };
  readonly start: (deps: WorkerDeps) => Promise<W>;
  /** More fields for the "started" log line. */
  readonly describe?: (worker: W) => Record<string, unknown>;
}

export async function runWorkerProcess<W extends WorkerProgress & { stop(): Promise<void> }>(opts: WorkerProcessOptions<W>): Promise<void> {
  const { config: c, log, name } = opts;
  const bus = openBus(c, log, name);
  // Up before ClickHouse: while the worker waits for it, /healthz answers and /readyz says why not.
  const http = c.workerHttpPort ? await startWorkerHttp({ worker: name, host: c.workerHttpHost, port: c.workerHttpPort }) : undefined;
  // Filled once the worker runs; a fatal error during its start finds it empty.
  const running: { worker?: W; store?: Store } = {};
  let stopping = false;
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    http?.draining();
    await running.worker?.stop().catch((e) => log.error({ err: String(e) }, 'stopping the worker failed'));
    await bus.close();
    await running.store?.close();
    await http?.close();
    await opts.tracing.shutdown();
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));
  const store = await waitForStore(() => openStore(c), { log, onWait: (reason) => http?.waitingForStore(reason), stopped: () => stopping });
  if (!store) return; // stopped while waiting; shutdown() exits
  running.store = store;
  http?.useStore(store);
  const worker = await opts.start({
    bus,
    store,
    onFlushed: (r) => log.debug({ partitions: r.partitions, deadLetters: r.deadLetters.length }, 'flushed'),
    onFatal: (e) => {
      log.error({ err: String(e), code: (e as { code?: string }).code }, `${name} cannot go on; exiting (a restart resumes from the last committed offsets)`);
      void shutdown(1);
    },
  });
  running.worker = worker;
  http?.attach(worker);
  log.info({ brokers: c.kafkaBrokers, clickhouse: c.clickhouseUrl || 'embedded', http: http?.url, ...opts.describe?.(worker) }, `${name.replace('-', ' ')} started`);
}
