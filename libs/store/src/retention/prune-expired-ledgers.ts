// The audit class of each org's plan, enforced: every org's ledger is pruned
// of the whole signed segments that lie entirely before its audit window
// (ledger/ledger-pruning.ts). Run by the ledger worker's process every hour
// and by the API after a plan change; a run with nothing due costs two small
// queries per org.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { pruneLedger, type PruneOptions, type PruneResult } from '../ledger/ledger-pruning.ts';
import type { OrgRetention } from './org-retention.ts';

const DAY_MS = 86_400_000;

/**
 * The periodic pruning's pace: steps of at most 250,000 rows, each followed
 * by a pause as long as the step (at least a second), so that a large prefix
 * coming due at once (a plan downgrade, a first run over years of rows) does
 * not hold the engine from ingest for its whole length (bench/retention.ts).
 */
export const LEDGER_PRUNE_THROTTLE = { stepRows: 250_000, pauseMs: 1_000 } as const;

type PruneRunOptions = Pick<PruneOptions, 'wait' | 'stepRows' | 'pauseMs'>;

export async function pruneExpiredLedger(retention: OrgRetention, org: string, nowMs: number, options: PruneRunOptions = {}): Promise<PruneResult> {
  return pruneLedger(retention.store, org, nowMs - retention.days(org, 'audit') * DAY_MS, { ...options, now: nowMs });
}

export async function pruneExpiredLedgers(retention: OrgRetention, nowMs: number, options: PruneRunOptions = {}): Promise<PruneResult[]> {
  const orgs = await ledgerOrgs(retention.store);
  const out: PruneResult[] = [];
  for (const org of orgs) out.push(await pruneExpiredLedger(retention, org, nowMs, options));
  return out;
}

async function ledgerOrgs(store: Store): Promise<string[]> {
  try {
    const rs = await store.client.query({ query: 'SELECT DISTINCT org FROM audit_checkpoints ORDER BY org', format: 'JSONEachRow' });
    return (await rs.json<{ org: string }>()).map((r) => r.org);
  } catch (err) {
    throw toStoreError(err, 'listing the orgs with a ledger');
  }
}

/** Prunes every org's expired ledger segments now and then every `everyMs`; returns a stop function. */
export function startLedgerPruning(
  retention: OrgRetention,
  everyMs: number,
  report: { onPruned?: (r: PruneResult) => void; onError: (err: unknown) => void },
  now: () => number = Date.now,
  throttle: Pick<PruneOptions, 'stepRows' | 'pauseMs'> = LEDGER_PRUNE_THROTTLE,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const round = () => {
    if (running) return;
    running = retention
      .refresh()
      .then(() => pruneExpiredLedgers(retention, now(), throttle))
      .then((results) => results.filter((r) => r.newlyPruned > 0).forEach((r) => report.onPruned?.(r)))
      .catch(report.onError)
      .finally(() => (running = undefined));
  };
  round();
  const timer = setInterval(round, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
