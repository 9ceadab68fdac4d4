// Plans set through the admin API (schemas/clickhouse 060). Configuration
// covers every org without a row here.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

export interface StoredOrgPlan {
  readonly org: string;
  readonly plan: string;
  /** Epoch ms. */
  readonly changedAt: number;
  readonly changedBy: string;
  readonly eventId: string;
}

const READ_SQL = `
SELECT org, argMax(plan, changed_at) AS current_plan, toUnixTimestamp64Milli(max(changed_at)) AS at_ms,
       argMax(changed_by, changed_at) AS by_key, argMax(event_id, changed_at) AS ledger_event
FROM org_plans GROUP BY org`;

export async function readOrgPlans(store: Store): Promise<Map<string, StoredOrgPlan>> {
  try {
    const rs = await store.client.query({ query: READ_SQL, format: 'JSONEachRow' });
    const rows = await rs.json<{ org: string; current_plan: string; at_ms: string | number; by_key: string; ledger_event: string }>();
    return new Map(rows.map((r) => [r.org, { org: r.org, plan: r.current_plan, changedAt: Number(r.at_ms), changedBy: r.by_key, eventId: r.ledger_event }]));
  } catch (err) {
    throw toStoreError(err, 'reading org plans');
  }
}

export async function writeOrgPlan(store: Store, p: StoredOrgPlan): Promise<void> {
  try {
    await store.client.insert({
      table: 'org_plans',
      columns: ['org', 'plan', 'changed_at', 'changed_by', 'event_id'],
      values: [[p.org, p.plan, p.changedAt, p.changedBy, p.eventId]],
      format: 'JSONCompactEachRow',
    });
  } catch (err) {
    throw toStoreError(err, `writing the plan of ${p.org}`);
  }
}
