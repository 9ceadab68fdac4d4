// Payload view attempts refused before any key or org check could pass: a
// request with no valid API key (401), and a key over its view rate (429).
// Each is counted in the API's metrics. The org ledger gets a sample, never
// the flood: a `payload.view` row at most once a minute per org for
// anonymous attempts, and only for an org a configured key names (an
// anonymous caller chooses the org in the URL: without that rule it could
// start a ledger for any name it likes), and at most once a minute per key
// and org for rate-limited ones. The rows say who (the key id, or
// `anonymous`: a presented secret is never recorded), which call, and why.
// Recording is best effort: nothing is shown either way, and the metric
// holds the count whatever the ledger took.
import type { AuditSink } from './payload-view-audit.ts';
import { payloadViewEvent } from './payload-view-audit.ts';

export type RefusalReason = 'unauthenticated' | 'rate_limited';

export interface RefusalAuditOptions {
  readonly audit: AuditSink;
  /** Orgs a configured API key names; anonymous attempts at other orgs are counted only. */
  readonly knownOrgs: ReadonlySet<string>;
  readonly now: () => number;
  readonly count: (reason: RefusalReason) => void;
  readonly onError: (error: unknown) => void;
}

export interface RefusalAudit {
  unauthenticated(org: string, eventId: string): void;
  rateLimited(org: string, eventId: string, keyId: string): void;
}

const WINDOW_MS = 60_000;

export function createRefusalAudit(o: RefusalAuditOptions): RefusalAudit {
  // Who was recorded in the current minute; cleared when the minute turns, so it never outgrows one minute of distinct callers.
  let window = -1;
  const recorded = new Set<string>();
  const firstThisMinute = (who: string): boolean => {
    const w = Math.floor(o.now() / WINDOW_MS);
    if (w !== window) {
      window = w;
      recorded.clear();
    }
    if (recorded.has(who)) return false;
    recorded.add(who);
    return true;
  };
  const record = (org: string, eventId: string, keyId: string | null, error: 'UNAUTHORIZED' | 'RATE_LIMITED') => {
    const event = payloadViewEvent({ org, eventId, field: '*', keyId, outcome: 'denied', error, at: o.now() });
    o.audit([event]).catch(o.onError);
  };
  return {
    unauthenticated(org, eventId) {
      o.count('unauthenticated');
      if (o.knownOrgs.has(org) && firstThisMinute(`anonymous\u0000${org}`)) record(org, eventId.slice(0, 256), null, 'UNAUTHORIZED');
    },
    rateLimited(org, eventId, keyId) {
      o.count('rate_limited');
      if (firstThisMinute(`${keyId}\u0000${org}`)) record(org, eventId, keyId, 'RATE_LIMITED');
    },
  };
}
