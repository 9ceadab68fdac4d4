// The orgs this deployment holds data for: those with tool calls (the day
// totals, kept for good) or an audit ledger. For a key scoped to every org,
// this is the list a client offers to choose from.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

const KNOWN_ORGS_SQL = `
SELECT org FROM (
  SELECT DISTINCT org FROM tool_totals_1d
  UNION DISTINCT
  SELECT DISTINCT org FROM audit_ledger_state
)
ORDER BY org
LIMIT {limit:UInt32}`;

export async function queryKnownOrgs(store: Store, limit = 1000): Promise<string[]> {
  try {
    const rs = await store.client.query({ query: KNOWN_ORGS_SQL, query_params: { limit }, format: 'JSONEachRow' });
    return (await rs.json<{ org: string }>()).map((r) => r.org);
  } catch (err) {
    throw toStoreError(err, 'listing orgs');
  }
}
