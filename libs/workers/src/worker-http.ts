// A worker's own small HTTP server, for orchestrators and Prometheus:
//   GET /healthz  the process is alive and its event loop answers (liveness);
//   GET /readyz   the worker has joined its consumer group and ClickHouse
//                 answers SELECT 1 (readiness; 503 with the reason otherwise);
//   GET /metrics  its own counters: messages, rows, dead letters, flushes,
//                 commit failures, ingest lag, plus the process metrics.
// A worker that cannot go on still exits (and is restarted); /readyz is what
// lets a rollout or a node drain wait for a replacement that really consumes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { LagTracker, SinkTotals } from '@mcpg/pipeline';
import { storeReadiness, type Store } from '@mcpg/store';

export interface WorkerHttpOptions {
  /** Labels the metrics, e.g. `rollup-worker`. */
  readonly worker: string;
  readonly host: string;
  readonly port: number;
  /** Left out while the process still waits for ClickHouse: /readyz says so (see `waitingForStore`). */
  readonly store?: Store;
  /** How long /readyz waits for ClickHouse before answering 503. */
  readonly pingTimeoutMs?: number;
}

/** What a running worker exposes to the server. */
export interface WorkerProgress {
  readonly totals: SinkTotals;
  readonly lag: LagTracker;
}

export interface WorkerHttp {
  /** `http://host:port` as bound (port 0 picks a free one). */
  readonly url: string;
  /** The worker has started consuming: /readyz may now answer 200. */
  attach(worker: WorkerProgress): void;
  /** Why ClickHouse is not connected yet (the last failure), for /readyz. */
  waitingForStore(reason: string): void;
  /** ClickHouse is connected: /readyz pings it from now on. */
  useStore(store: Store): void;
  /** Shutting down: /readyz answers 503 from now on. */
  draining(): void;
  readonly registry: Registry;
  close(): Promise<void>;
}

const json = (res: ServerResponse, code: number, body: object) =>
  res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));

function workerRegistry(name: string, progress: () => WorkerProgress | undefined): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ worker: name });
  collectDefaultMetrics({ register: registry });
  // Counters read the sink's running totals at scrape time (they only grow;
  // prom-client has no "set" on a Counter, so reset and add the total).
  const counter = (metric: string, help: string, read: (t: SinkTotals) => number) =>
    new Counter({
      name: metric,
      help,
      registers: [registry],
      collect() {
        const p = progress();
        if (!p) return;
        this.reset();
        this.inc(read(p.totals));
      },
    });
  counter('mcpg_worker_messages_total', 'Messages consumed and stored (or dead-lettered)', (t) => t.messages);
  counter('mcpg_worker_rows_written_total', 'Rows written to ClickHouse', (t) => t.rows);
  counter('mcpg_worker_dead_letters_total', 'Messages sent to the dead-letter topic', (t) => t.deadLetters);
  counter('mcpg_worker_dead_letter_references_total', 'Dead letters written as a reference (reason, source position, size, SHA-256) because the copy was larger than the broker accepts', (t) => t.deadLetterReferences);
  counter('mcpg_worker_flushes_total', 'Writes to ClickHouse that were stored and committed', (t) => t.flushes);
  counter('mcpg_worker_commit_failures_total', 'Offset commits that failed after the rows were stored (the rows are re-read and rewritten idempotently)', (t) => t.commitFailures);
  const lagGauge = (metric: string, q: number) =>
    new Gauge({
      name: metric,
      help: `Produce-to-stored lag of recent messages, quantile ${q} (seconds; absent before the first row)`,
      registers: [registry],
      collect() {
        this.reset();
        const lag = progress()?.lag.quantile(q);
        if (lag !== undefined && Number.isFinite(lag)) this.set(lag / 1000);
      },
    });
  lagGauge('mcpg_worker_ingest_lag_p50_seconds', 0.5);
  lagGauge('mcpg_worker_ingest_lag_p99_seconds', 0.99);
  new Gauge({
    name: 'mcpg_worker_last_stored_timestamp_seconds',
    help: 'When the worker last stored rows (Unix seconds; absent before the first row)',
    registers: [registry],
    collect() {
      this.reset();
      const at = progress()?.lag.lastStoredAt ?? 0;
      if (at > 0) this.set(at / 1000);
    },
  });
  return registry;
}

/** Starts the server; call `attach` once the worker runs. */
export async function startWorkerHttp(opts: WorkerHttpOptions): Promise<WorkerHttp> {
  let worker: WorkerProgress | undefined;
  let store = opts.store;
  let storeWait = 'connecting to ClickHouse';
  let stopping = false;
  const pingTimeoutMs = opts.pingTimeoutMs ?? 2_000;
  const registry = workerRegistry(opts.worker, () => worker);

  const ready = async (res: ServerResponse) => {
    if (stopping) return json(res, 503, { status: 'unavailable', reason: 'the worker is shutting down' });
    if (!store) return json(res, 503, { status: 'unavailable', reason: `waiting for ClickHouse: ${storeWait}` });
    if (!worker) return json(res, 503, { status: 'unavailable', reason: 'the worker has not joined its consumer group yet' });
    const readiness = await storeReadiness(store, pingTimeoutMs);
    if (readiness.ready) return json(res, 200, { status: 'ok' });
    return json(res, 503, { status: 'unavailable', reason: readiness.reason });
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'only GET is served' });
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') return void ready(res);
    if (path === '/metrics') {
      return void registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => json(res, 500, { error: 'collecting the metrics failed' }),
      );
    }
    return json(res, 404, { error: `no route ${path}; try /healthz, /readyz or /metrics` });
  };

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`cannot serve /healthz, /readyz and /metrics on ${opts.host}:${opts.port} (${e.code ?? e.message}); set MCPG_WORKER_HTTP_PORT (0: no server)`, { cause: e })),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    registry,
    attach: (w) => {
      worker = w;
    },
    waitingForStore: (reason) => {
      storeWait = reason;
    },
    useStore: (s) => {
      store = s;
    },
    draining: () => {
      stopping = true;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
