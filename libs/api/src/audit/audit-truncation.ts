// truncated_before for audit answers: an org whose ledger was pruned (its
// retention plan's audit window) no longer holds rows before its oldest
// retained one; a search or download whose range reaches before that answers
// with what remains and says where it starts, in the JSON body and, for a CSV
// download (no body field to put it in), in the TRUNCATED_BEFORE_HEADER.
//
// Where an org's rows start changes only when its ledger is pruned (hourly,
// or at once after a shorter plan), yet every search asked the engine for it
// beside its page: half the engine queries of a search storm. It is kept per
// org for as long as the API keeps answers (MCPG_API_CACHE_MAX_AGE_MS: a
// prune elsewhere shows within that, as it does in kept answers), shared by
// the searches that need it at once, and forgotten at once when this API
// prunes the org itself (a plan change).
import { auditRetainedFrom, type Store } from '@mcpg/store';

export const TRUNCATED_BEFORE_HEADER = 'mcpg-truncated-before';

export const truncatedBeforeSchema = {
  type: ['integer', 'null'],
  description: "The range reaches before the org's oldest retained audit row (older rows were pruned under its retention plan): rows start here (epoch ms); null when nothing of the range was pruned",
} as const;

export interface AuditTruncation {
  /** Epoch ms where the org's retained rows start, if the range (from, or no from) reaches before it; else null. */
  truncatedBefore(filter: { readonly org: string; readonly fromMs?: number }): Promise<number | null>;
  /** The org's ledger was pruned by this process: read where it starts again. */
  forget(org: string): void;
}

const MAX_ORGS = 10_000;

/** `maxAgeMs` 0: read on every request. */
export function createAuditTruncation(store: Store, opts: { readonly maxAgeMs: number; readonly now?: () => number }): AuditTruncation {
  const now = opts.now ?? Date.now;
  // Map order is age order (oldest first out past MAX_ORGS).
  const kept = new Map<string, { readonly retainedFrom: number | null; readonly at: number }>();
  const flights = new Map<string, Promise<number | null>>();
  // Bumped by forget(): a read that began before it is not kept.
  let epoch = 0;

  const retainedFrom = (org: string): Promise<number | null> => {
    const k = kept.get(org);
    if (k && now() - k.at < opts.maxAgeMs) return Promise.resolve(k.retainedFrom);
    let flight = flights.get(org);
    if (!flight) {
      const at = now();
      const began = epoch;
      const read: Promise<number | null> = auditRetainedFrom(store, org)
        .then((value) => {
          if (opts.maxAgeMs > 0 && began === epoch) {
            kept.delete(org);
            kept.set(org, { retainedFrom: value, at });
            for (const o of kept.keys()) {
              if (kept.size <= MAX_ORGS) break;
              kept.delete(o);
            }
          }
          return value;
        })
        .finally(() => {
          if (flights.get(org) === read) flights.delete(org);
        });
      flights.set(org, read);
      flight = read;
    }
    return flight;
  };

  return {
    async truncatedBefore(filter) {
      const from = await retainedFrom(filter.org);
      return from !== null && (filter.fromMs === undefined || filter.fromMs < from) ? from : null;
    },
    forget(org) {
      epoch++;
      kept.delete(org);
      flights.delete(org);
    },
  };
}
