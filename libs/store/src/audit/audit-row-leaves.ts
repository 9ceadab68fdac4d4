// Search pages serve rows from audit_rows_json (014), a copy the ledger does
// not cover. Before a page leaves the store, every row is re-hashed from the
// very fields it will serve (libs/ledger's canonical encoding) and compared
// with the leaf hash stored with the ledger's own row in audit_log: the hash
// `mcpg verify` and /audit/verify check against the rows and the signed
// roots. A row the copy altered, or an audit_log row edited without its leaf
// hash, never reaches a client; the page fails with LEDGER_MISMATCH naming
// the seq instead. The stored leaf hashes come with the page's keys
// (query-audit.ts), from the audit_log rows the search matched. What this
// does not prove by itself: that the stored leaf
// hash is the signed one (that is the verifier's job, over all rows).
import { rowLeafHash, toHex } from '@mcpg/ledger';
import { StoreError } from '../errors.ts';
import type { AuditRow } from './audit-row.ts';

/** The leaf hash of a served row, in lower-case hex; undefined if it cannot be a ledger row at all. */
export function servedLeafHash(org: string, r: AuditRow): string | undefined {
  try {
    return toHex(
      rowLeafHash({
        org,
        seq: BigInt(r.seq),
        event_id: r.eventId,
        workspace: r.workspace,
        instance: r.instance,
        occurred_at: r.occurredAtMs,
        action: r.action,
        actor: r.actor,
        resource: r.resource,
        decision: r.decision,
        outcome: r.outcome,
        latency_us: r.latencyUs,
        arguments: r.arguments,
        response: r.response,
        error: r.error,
        trace_id: r.traceId,
      }),
    );
  } catch {
    return undefined;
  }
}

/** Throws LEDGER_MISMATCH at the first row that is not byte for byte a ledger row of audit_log. */
export function assertRowsMatchLeaves(org: string, rows: readonly AuditRow[], leaves: ReadonlyMap<number, readonly string[]>, source: string): void {
  for (const r of rows) {
    const stored = leaves.get(r.seq);
    const served = servedLeafHash(org, r);
    if (stored === undefined || served === undefined || !stored.includes(served)) {
      const why = stored === undefined ? 'has no ledger row in audit_log' : 'does not hash to the leaf hash stored with its ledger row in audit_log';
      throw new StoreError(
        'LEDGER_MISMATCH',
        `audit row seq ${r.seq} of ${org} read from ${source} ${why}: the stored data was altered outside the ledger; run /v1/orgs/${org}/audit/verify or mcpg verify`,
        false,
      );
    }
  }
}
