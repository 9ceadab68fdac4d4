// Where an org's audit trail still starts once its ledger was pruned: the
// time of its oldest retained row. Searches and CSV downloads whose range
// reaches before it answer with what remains and say so (truncated_before),
// rather than looking like the whole history. Null while nothing was pruned:
// then a range before the first row is simply empty, not cut.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

export async function auditRetainedFrom(store: Store, org: string): Promise<number | null> {
  try {
    // audit_pruned holds a row per pruned org (tiny); audit_log is sorted by
    // (org, occurred_at), so its oldest row of the org is the first one read.
    const rs = await store.client.query({
      query: `SELECT toUnixTimestamp64Milli(occurred_at) AS t FROM audit_log
              WHERE org = {org:String} AND (SELECT count() FROM audit_pruned WHERE org = {org:String} AND tree_size > 0) > 0
              ORDER BY occurred_at LIMIT 1`,
      query_params: { org },
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ t: string | number }>();
    return row === undefined ? null : Number(row.t);
  } catch (err) {
    throw toStoreError(err, `reading where the audit trail of ${org} starts`);
  }
}
