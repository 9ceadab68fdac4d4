// A health port of its own (MCPG_API_HEALTH_LISTEN) for orchestrators'
// probes: /healthz and /readyz answered by a worker thread (health-thread.mjs)
// instead of the API's event loop. On the API port a probe waits in line with
// every query answer of the loop: during a storm of audit searches served
// from memory (~2,700 answers/s) /healthz took 38-59 ms at p99
// (bench/api-load.ts), and a liveness probe with a short timeout could
// restart a busy but healthy pod. Here the thread answers at once and still
// reflects the API thread: it reads a heartbeat the API thread stamps every
// HEARTBEAT_MS (liveness fails once the loop is silent for stallAfterMs) and
// the outcome of the API thread's last ClickHouse check (readiness).
import { Worker } from 'node:worker_threads';
import { storeReadiness, type Store } from '@mcpg/store';

export interface HealthListenerOptions {
  /** host:port; port 0 picks a free one. */
  readonly listen: string;
  readonly store: Store;
  /** /healthz fails once the API's event loop has not run for this long. */
  readonly stallAfterMs: number;
  /** How often the API thread asks ClickHouse for /readyz. */
  readonly readyCheckMs?: number;
}

export interface HealthListener {
  /** `http://host:port` as bound. */
  readonly url: string;
  /** Shutting down: /readyz answers 503 from now on (liveness stays up). */
  draining(): void;
  close(): Promise<void>;
}

const HEARTBEAT_MS = 250;
const SLOT = { heartbeat: 0, checkedAt: 1, ready: 2, draining: 3 } as const;

/** host:port, [v6]:port → host and port. */
export function parseListen(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  return { host: listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(listen.slice(colon + 1)) };
}

export async function startHealthListener(o: HealthListenerOptions): Promise<HealthListener> {
  const { host, port } = parseListen(o.listen);
  const readyCheckMs = o.readyCheckMs ?? 2_000;
  const state = new SharedArrayBuffer(4 * BigInt64Array.BYTES_PER_ELEMENT);
  const slots = new BigInt64Array(state);
  const beat = () => Atomics.store(slots, SLOT.heartbeat, BigInt(Date.now()));
  beat();
  const worker = new Worker(new URL('./health-thread.mjs', import.meta.url), {
    // A readiness answer older than three checks (and at least the stall limit) is stale.
    workerData: { state, host, port, stallAfterMs: o.stallAfterMs, readyStaleAfterMs: Math.max(3 * readyCheckMs, o.stallAfterMs) },
    // Not the API's loader or flags (e.g. --cpu-prof): plain JavaScript.
    execArgv: [],
  });
  const bound = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the health listener thread exited (${code}) before listening on ${o.listen}`)));
    worker.on('message', (m: { port?: number; error?: string }) => {
      if (m.port !== undefined) resolve(m.port);
      if (m.error !== undefined) reject(new Error(`health listener on ${o.listen}: ${m.error}`));
    });
  });
  worker.removeAllListeners('exit');
  const heartbeat = setInterval(beat, HEARTBEAT_MS);
  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const r = await storeReadiness(o.store);
      if (!r.ready) worker.postMessage({ reason: r.reason });
      Atomics.store(slots, SLOT.ready, r.ready ? 1n : 0n);
      Atomics.store(slots, SLOT.checkedAt, BigInt(Date.now()));
    } finally {
      checking = false;
    }
  };
  await check();
  const checker = setInterval(() => void check(), readyCheckMs);
  // Neither timer keeps a process alive that has nothing else to do.
  heartbeat.unref();
  checker.unref();
  worker.unref();
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    draining: () => Atomics.store(slots, SLOT.draining, 1n),
    close: () =>
      (closed ??= (async () => {
        clearInterval(heartbeat);
        clearInterval(checker);
        const exited = new Promise((r) => worker.once('exit', r));
        worker.postMessage({ close: true });
        // Open keep-alive probe sockets would hold server.close(): end the thread after a moment.
        const t = setTimeout(() => void worker.terminate(), 1_000);
        await exited;
        clearTimeout(t);
      })()),
  };
}
