// How the API knows, cheaply, that an answer may have changed: every worker
// flush ends by recording its progress in `pipeline_progress` (after the rows
// are stored), so the newest `updated_at` and the summed committed offsets of
// a worker group change exactly when its data does. One small aggregate over
// that table (a few rows per partition; no FINAL needed, both only grow)
// stands in for re-running every query. It is read at most once per `pollMs`,
// shared by every request that needs it; in one process with the workers
// (`mcpg up`), `bump` makes a flush visible at once.
import type { Store } from '@mcpg/store';
import type { DataSource } from './route-class.ts';

const VERSION_SQL = `
SELECT consumer, toString(max(updated_at)) AS at, toString(sum(committed_offset)) AS offsets, toString(count()) AS n
FROM pipeline_progress
GROUP BY consumer
ORDER BY consumer`;

export interface DataVersions {
  /**
   * The version of a source's data as last seen. Read it before computing an
   * answer: an answer tagged with it holds data at least that new.
   */
  current(source: DataSource): Promise<string>;
  /** A flush of this worker group was stored (in-process notification). */
  bump(consumer: string): void;
}

export function createDataVersions(store: Store, pollMs: number, now: () => number = Date.now): DataVersions {
  let polled = new Map<string, string>();
  let polledAt = -Infinity;
  let inflight: Promise<void> | undefined;
  const bumps = new Map<string, number>();
  let allBumps = 0;

  const poll = async (): Promise<void> => {
    const rs = await store.client.query({ query: VERSION_SQL, format: 'JSONEachRow' });
    const rows = await rs.json<{ consumer: string; at: string; offsets: string; n: string }>();
    polled = new Map(rows.map((r) => [r.consumer, `${r.at}|${r.offsets}|${r.n}`]));
    polledAt = now();
  };

  const fresh = async (): Promise<void> => {
    if (now() - polledAt < pollMs) return;
    inflight ??= poll().finally(() => (inflight = undefined));
    await inflight;
  };

  return {
    async current(source) {
      await fresh();
      if (source === 'any') return `${[...polled].map(([k, v]) => `${k}=${v}`).join(';')}#${allBumps}`;
      return `${polled.get(source) ?? ''}#${bumps.get(source) ?? 0}`;
    },
    bump(consumer) {
      bumps.set(consumer, (bumps.get(consumer) ?? 0) + 1);
      allBumps++;
    },
  };
}
