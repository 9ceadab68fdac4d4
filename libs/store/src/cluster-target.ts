// The table a mutation (ALTER TABLE … UPDATE / DELETE) addresses. On one node
// it is the table itself. On a cluster (docs/scaling.md) each table `t` is a
// Distributed table over `t_local` on every node, and a mutation must go to
// the local tables of every shard: `t_local ON CLUSTER name` (ClickHouse
// refuses a mutation of a Distributed table).
import type { Store } from './create-store.ts';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * `table` is one of the store's own constant names, never input; the cluster
 * name was checked when the store was made. Both are checked again here
 * because they are spliced into the statement (identifiers cannot be parameters).
 */
export function mutationTarget(store: Pick<Store, 'cluster'>, table: string): string {
  if (!IDENTIFIER.test(table)) throw new Error(`not a table name: ${JSON.stringify(table)}`);
  if (store.cluster === undefined) return table;
  if (!IDENTIFIER.test(store.cluster)) throw new Error(`not a cluster name: ${JSON.stringify(store.cluster)}`);
  return `\`${table}_local\` ON CLUSTER \`${store.cluster}\``;
}
