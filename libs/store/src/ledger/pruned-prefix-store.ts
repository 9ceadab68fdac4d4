// The pruned prefix of an org's ledger as audit_pruned (062) keeps it: the
// size S of the prefix and the perfect subtree hashes of [0, S), which stand
// in for its rows and their Merkle nodes.
import { fromHexStrict, type PrunedPrefix } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

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
