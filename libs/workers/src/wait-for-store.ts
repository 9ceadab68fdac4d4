// A worker whose ClickHouse is not there yet (a server that is restarting, a
// closed port, a network partition) waits for it instead of exiting: an exit
// only restarts into the same failure, a crash loop that says less than one
// process waiting and saying why. Errors that waiting cannot fix (bad
// credentials, a bad setting) still end the process.
import { isRetriable } from '@mcpg/pipeline';
import type { Store } from '@mcpg/store';
import type { ConnectLog } from './connect.ts';

export interface StoreWait {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const STORE_WAIT: StoreWait = { initialMs: 500, maxMs: 10_000 };

/**
 * Calls `open` until it succeeds, a non-retriable error (rethrown) or
 * `stopped()`; each failure is logged and handed to `onWait` (for readiness).
 * Resolves undefined when stopped while waiting.
 */
export async function waitForStore(
  open: () => Promise<Store>,
  o: { log: ConnectLog; onWait: (reason: string) => void; stopped: () => boolean; wait?: StoreWait },
): Promise<Store | undefined> {
  const wait = o.wait ?? STORE_WAIT;
  let delay = wait.initialMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (e) {
      if (!isRetriable(e)) throw e;
      const code = (e as { code?: string }).code ?? 'UNKNOWN';
      o.onWait(`${code} (attempt ${attempt}; next in ${delay} ms)`);
      o.log.warn({ err: String(e), code, attempt, retryInMs: delay }, 'ClickHouse unreachable at start: waiting for it (not exiting)');
    }
    const until = Date.now() + delay;
    while (Date.now() < until) {
      if (o.stopped()) return undefined;
      await new Promise((r) => setTimeout(r, Math.min(250, until - Date.now())));
    }
    if (o.stopped()) return undefined;
    delay = Math.min(wait.maxMs, delay * 2);
  }
}
