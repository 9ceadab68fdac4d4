// Pruning an org's ledger by its retention plan: the rows leave as a prefix
// of whole signed segments, never one by one. The prefix ends at the largest
// checkpoint size S at or below the first row still inside the window (so no
// row inside the window goes, and late-stamped rows keep the prefix from
// reaching past them); the perfect subtree hashes of [0, S) are written to
// audit_pruned before a row is deleted, so an export of the rest verifies
// (docs/ledger-format.md §10). Signed checkpoints are all kept; the Merkle
// nodes of the pruned rows go with them: a proof of a retained row, or
// between two sizes at or past S, needs of [0, S) only those hashes (its
// left siblings there are the frontier's subtrees), and the store reads them
// from audit_pruned (merkle-nodes.ts).
import { performance } from 'node:perf_hooks';
import { CompactRange, toHex } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { mutationTarget } from '../cluster-target.ts';
import { StoreError, toStoreError } from '../errors.ts';
import { frontierKeys, nodeKeyString, queryStoredPerfectNodes } from './merkle-nodes.ts';
import { queryPrunedPrefix } from './pruned-prefix-store.ts';

export { queryPrunedPrefix, type PrunedRecord } from './pruned-prefix-store.ts';

export interface PruneResult {
  readonly org: string;
  /** Rows pruned so far (the prefix size after this run). */
  readonly prunedSize: number;
  /** Rows this run removed from the prefix (0: nothing was due). */
  readonly newlyPruned: number;
}

export interface PruneOptions {
  /** Wait for the deletions to finish (each step's is always waited for when stepping). */
  readonly wait?: boolean;
  /** Wall clock of the run (pruned_at). */
  readonly now?: number;
  /**
   * Throttle: prune in steps of at most this many rows (whole signed
   * segments, at least one), each step's deletion waited for, with a pause
   * after it as long as the step took (at least pauseMs): the pruning then
   * holds the engine at most about half of the time, and concurrent ingest
   * the rest. Without it, one deletion of the whole due prefix.
   */
  readonly stepRows?: number;
  readonly pauseMs?: number;
  /** How a pause is waited (tests pass a recorder). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Prunes the rows of `org` that occurred before `cutoffMs`, by whole signed segments. */
export async function pruneLedger(store: Store, org: string, cutoffMs: number, options: PruneOptions = {}): Promise<PruneResult> {
  const before = (await queryPrunedPrefix(store, org))?.size ?? 0;
  let target: number;
  try {
    // The first row still inside the window; with none, every signed row may go.
    const firstKept = await one<{ s: string; n: string }>(
      store,
      `SELECT toString(min(seq)) AS s, toString(count()) AS n FROM audit_log WHERE org = {org:String} AND occurred_at >= fromUnixTimestamp64Milli({cutoff:Int64}, 'UTC')`,
      { org, cutoff: cutoffMs },
    );
    const bound = Number(firstKept.n) > 0 ? Number(firstKept.s) : Number.MAX_SAFE_INTEGER;
    const cp = await one<{ s: string }>(
      store,
      `SELECT toString(max(tree_size)) AS s FROM audit_checkpoints WHERE org = {org:String} AND tree_size <= {bound:UInt64}`,
      { org, bound: Math.min(bound, Number.MAX_SAFE_INTEGER) },
    );
    target = Number(cp.s);
  } catch (err) {
    throw toStoreError(err, `finding what of the ledger of ${org} is past its window`);
  }
  if (target <= before) return { org, prunedSize: before, newlyPruned: 0 };
  const steps = options.stepRows === undefined ? [target] : await pruneSteps(store, org, before, target, options.stepRows);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (const [i, size] of steps.entries()) {
    const t0 = performance.now();
    await pruneTo(store, org, size, cutoffMs, options.now ?? Date.now(), options.wait === true || steps.length > 1);
    if (i < steps.length - 1) await sleep(Math.max(options.pauseMs ?? 0, performance.now() - t0));
  }
  return { org, prunedSize: target, newlyPruned: target - before };
}

/** Signed checkpoint sizes from after `from` up to `target`, each at most `stepRows` past the one before (or the next checkpoint, if none is). */
async function pruneSteps(store: Store, org: string, from: number, target: number, stepRows: number): Promise<number[]> {
  let sizes: number[];
  try {
    const rs = await store.client.query({
      query: `SELECT DISTINCT toString(tree_size) AS s FROM audit_checkpoints WHERE org = {org:String} AND tree_size > {from:UInt64} AND tree_size <= {target:UInt64} ORDER BY tree_size`,
      query_params: { org, from, target },
      format: 'JSONEachRow',
    });
    sizes = (await rs.json<{ s: string }>()).map((r) => Number(r.s)).sort((a, b) => a - b);
  } catch (err) {
    throw toStoreError(err, `listing the checkpoints of ${org} to prune by`);
  }
  const steps: number[] = [];
  let at = from;
  for (let i = 0; i < sizes.length; i++) {
    // The last size within a step of `at`; at least the next one.
    let j = i;
    while (j + 1 < sizes.length && sizes[j + 1]! - at <= stepRows) j++;
    steps.push(sizes[j]!);
    at = sizes[j]!;
    i = j;
  }
  return steps;
}

/** Writes the pruned record for [0, size), then deletes those rows and their Merkle node rows. */
async function pruneTo(store: Store, org: string, target: number, cutoffMs: number, nowMs: number, sync: boolean): Promise<void> {
  const keys = frontierKeys(target);
  const stored = await queryStoredPerfectNodes(store, org, keys);
  const frontier = keys.map((k) => stored.get(nodeKeyString(k)));
  if (frontier.some((h) => h === undefined)) {
    throw new StoreError('LEDGER_MISMATCH', `the Merkle nodes covering seq 0 to ${target - 1} of ${org} are incomplete: nothing pruned`, false);
  }
  const hashes = frontier as Uint8Array[];
  // Cheap self-check before anything is deleted: the hashes form a tree of that size.
  new CompactRange({ size: target, hashes });
  try {
    await store.client.insert({
      table: 'audit_pruned',
      columns: ['org', 'tree_size', 'frontier', 'cutoff', 'pruned_at'],
      values: [[org, target, hashes.map(toHex), cutoffMs, nowMs]],
      format: 'JSONCompactEachRow',
    });
    const settings = sync ? { mutations_sync: '2' } : {};
    for (const table of ['audit_log', 'audit_rows_json', 'audit_merkle_nodes']) {
      // A table name cannot be a parameter; these are constants. On a cluster: every shard's local table.
      await store.client.command({
        query: `ALTER TABLE ${mutationTarget(store, table)} DELETE WHERE org = {org:String} AND seq < {size:UInt64}`,
        query_params: { org, size: target },
        clickhouse_settings: settings,
      });
    }
  } catch (err) {
    throw toStoreError(err, `pruning the ledger of ${org} before seq ${target}`);
  }
}

async function one<T>(store: Store, query: string, params: Record<string, unknown>): Promise<T> {
  const rs = await store.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return (await rs.json<T>())[0] as T;
}
