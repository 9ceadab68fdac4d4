// Pruning an org's ledger by its retention plan: the rows leave as a prefix
// of whole signed segments, never one by one. The prefix ends at the largest
// checkpoint size S at or below the first row still inside the window (so no
// row inside the window goes, and late-stamped rows keep the prefix from
// reaching past them); the perfect subtree hashes of [0, S) are written to
// audit_pruned before a row is deleted, so an export of the rest verifies
// (docs/ledger-format.md §10). Checkpoints and Merkle nodes are kept.
import { CompactRange, fromHexStrict, toHex, type PrunedPrefix } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { StoreError, toStoreError } from '../errors.ts';
import { frontierKeys, nodeKeyString, queryStoredPerfectNodes } from './merkle-nodes.ts';

export interface PrunedRecord extends PrunedPrefix {
  /** Epoch ms: every pruned row occurred before it. */
  readonly cutoff: number;
}

/** The org's pruned prefix, if any. */
export async function queryPrunedPrefix(store: Store, org: string): Promise<PrunedRecord | undefined> {
  try {
    const rs = await store.client.query({
      query: `SELECT toString(max(tree_size)) AS size, argMax(frontier, tree_size) AS hashes, toUnixTimestamp64Milli(argMax(cutoff, tree_size)) AS cut
              FROM audit_pruned WHERE org = {org:String} HAVING count() > 0`,
      query_params: { org },
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ size: string; hashes: string[]; cut: string | number }>();
    if (!row) return undefined;
    return { size: Number(row.size), frontier: row.hashes.map((h) => fromHexStrict(h) ?? new Uint8Array()), cutoff: Number(row.cut) };
  } catch (err) {
    throw toStoreError(err, `reading the pruned prefix of ${org}`);
  }
}

export interface PruneResult {
  readonly org: string;
  /** Rows pruned so far (the prefix size after this run). */
  readonly prunedSize: number;
  /** Rows this run removed from the prefix (0: nothing was due). */
  readonly newlyPruned: number;
}

/** Prunes the rows of `org` that occurred before `cutoffMs`, by whole signed segments. */
export async function pruneLedger(store: Store, org: string, cutoffMs: number, options: { wait?: boolean; now?: number } = {}): Promise<PruneResult> {
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
      values: [[org, target, hashes.map(toHex), cutoffMs, options.now ?? Date.now()]],
      format: 'JSONCompactEachRow',
    });
    const settings = options.wait ? { mutations_sync: '2' } : {};
    for (const table of ['audit_log', 'audit_rows_json']) {
      // A table name cannot be a parameter; these two are constants.
      await store.client.command({
        query: `ALTER TABLE ${table} DELETE WHERE org = {org:String} AND seq < {size:UInt64}`,
        query_params: { org, size: target },
        clickhouse_settings: settings,
      });
    }
  } catch (err) {
    throw toStoreError(err, `pruning the ledger of ${org} before seq ${target}`);
  }
  return { org, prunedSize: target, newlyPruned: target - before };
}

async function one<T>(store: Store, query: string, params: Record<string, unknown>): Promise<T> {
  const rs = await store.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return (await rs.json<T>())[0] as T;
}
