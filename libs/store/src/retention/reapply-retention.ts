// A plan change re-applied to the rows an org already has: one mutation per
// table sets retention_days to the class's new window where it differs, and
// ClickHouse recomputes the TTL of the parts it rewrites, so a downgrade
// deletes what is now past its window and an upgrade keeps what is left
// (measured in BENCHMARKS.md, "Retention"). Only the org's rows with another
// window are touched; repeating it is a no-op, which is how a writer that
// stamped rows with a plan it had cached before the change is caught up.
// On a cluster the mutations go to every shard's local tables (cluster-target.ts).
import type { DataClass } from '@mcpg/config';
import type { Store } from '../create-store.ts';
import { mutationTarget } from '../cluster-target.ts';
import { toStoreError } from '../errors.ts';
import { RETENTION_TABLES, ROW_CLASSES } from './retention-tables.ts';

export interface ReapplyOptions {
  /** Wait until the mutations are done (tests, the bench); default: return once they are queued. */
  readonly wait?: boolean;
}

export async function reapplyRetention(store: Store, org: string, days: Readonly<Record<DataClass, number>>, options: ReapplyOptions = {}): Promise<void> {
  for (const cls of ROW_CLASSES) {
    for (const { table } of RETENTION_TABLES[cls]) {
      try {
        // A table name cannot be a parameter; these are constants of RETENTION_TABLES.
        await store.client.command({
          query: `ALTER TABLE ${mutationTarget(store, table)} UPDATE retention_days = {days:UInt16} WHERE org = {org:String} AND retention_days != {days:UInt16}`,
          query_params: { org, days: days[cls] },
          clickhouse_settings: options.wait ? { mutations_sync: '2' } : {},
        });
      } catch (err) {
        throw toStoreError(err, `re-applying the ${cls} window of ${org} to ${table}`);
      }
    }
  }
}
