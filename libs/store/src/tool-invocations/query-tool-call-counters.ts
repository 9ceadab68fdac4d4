import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { ERROR_OUTCOMES } from '@mcpg/rollup';

export interface ToolCallCounter {
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  readonly calls: number;
  /** Calls whose outcome is `error` or `timeout` (see ERROR_OUTCOMES). */
  readonly errors: number;
}

// Which outcomes are errors is decided once, in the fold (libs/rollup): a
// policy denial or a client cancellation is not an error.


// FINAL makes re-delivered duplicates count once (the table folds duplicates
// on its sorting key only when parts merge). Measured in chdb on 1M rows, 10%
// duplicates (bench/store-count-exactness.ts), FINAL vs
// uniqExact(event_id): duplicates from re-sent batches, 11 unmerged parts,
// 134 vs 139 ms; merged, 51 vs 186 ms. Worst case, duplicates scattered over
// every part: 261 vs 179 ms unmerged, 65 vs 104 ms merged. Background merges
// keep the common case near "merged", and FINAL streams in key order with
// bounded memory where distinct counting holds every event id of the org in
// a hash set. Duplicates never span partitions (the partition key derives from
// started_at, a key column); 26.x exploits that without
// do_not_merge_across_partitions_select_final (measured equal).
const COUNTERS_SQL = `
SELECT workspace, plugin, tool,
       count() AS calls,
       countIf(outcome IN ('${ERROR_OUTCOMES.join("', '")}')) AS errors
FROM tool_invocations FINAL
WHERE org = {org:String}
GROUP BY workspace, plugin, tool
ORDER BY workspace, plugin, tool`;

/** Calls and errors per (workspace, plugin, tool) of one org, exact despite unmerged duplicates. */
export async function queryToolCallCounters(store: Store, filter: { readonly org: string }): Promise<ToolCallCounter[]> {
  try {
    const rs = await store.client.query({ query: COUNTERS_SQL, query_params: { org: filter.org }, format: 'JSONEachRow' });
    const rows = await rs.json<{ workspace: string; plugin: string; tool: string; calls: string | number; errors: string | number }>();
    // UInt64 arrives as a string over HTTP and as a number from chdb; counts stay far below 2^53.
    return rows.map((r) => ({ workspace: r.workspace, plugin: r.plugin, tool: r.tool, calls: Number(r.calls), errors: Number(r.errors) }));
  } catch (err) {
    throw toStoreError(err, 'querying tool call counters');
  }
}
