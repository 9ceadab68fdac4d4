// The oldest row each class of an org still holds inside its window, for
// GET /v1/orgs/{org}/retention. Rows past their window may linger until
// ClickHouse's next merge drops them; they are not counted as retained (queries
// that reach before the window say so, whatever a merge has done yet).
import type { DataClass } from '@mcpg/config';
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { RETENTION_TABLES, ROW_CLASSES } from './retention-tables.ts';

const DAY_MS = 86_400_000;

/** Epoch ms of the oldest retained row per class; null where the org has none. */
export async function queryOldestRetained(
  store: Store,
  org: string,
  days: Readonly<Record<DataClass, number>>,
  nowMs: number,
): Promise<Record<DataClass, number | null>> {
  const out = { samples: null, payloads: null, rollups_1m: null, rollups_1h: null, rollups_1d: null, audit: null } as Record<DataClass, number | null>;
  const one = async (table: string, time: string, fromMs: number): Promise<number | null> => {
    // Table and column names are constants of RETENTION_TABLES; values are parameters.
    const rs = await store.client.query({
      query: `SELECT toUnixTimestamp64Milli(toDateTime64(min(${time}), 3, 'UTC')) AS t, count() AS n FROM ${table}
              WHERE org = {org:String} AND ${time} >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')`,
      query_params: { org, from: fromMs },
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ t: string | number; n: string | number }>();
    return row && Number(row.n) > 0 ? Number(row.t) : null;
  };
  try {
    for (const cls of ROW_CLASSES) {
      const from = nowMs - days[cls] * DAY_MS;
      for (const { table, time, derived } of RETENTION_TABLES[cls]) {
        if (derived) continue;
        const t = await one(table, time, from);
        if (t !== null && (out[cls] === null || t < out[cls]!)) out[cls] = t;
      }
    }
    out.audit = await one('audit_log', 'occurred_at', 0);
  } catch (err) {
    throw toStoreError(err, `reading the oldest retained rows of ${org}`);
  }
  return out;
}
