// A ledger whose oldest rows expired under the org's retention plan keeps,
// in their place, the perfect subtree hashes that cover them: the compact
// range of [0, size), where `size` is the tree size of a signed checkpoint
// (pruning removes whole signed segments only). That is all a verifier needs
// to go on from there: the hashes must reproduce the checkpoint's signed root
// (a forged hash cannot, short of a SHA-256 collision), and the chain goes on
// from the checkpoint's signed chain head. Every signed checkpoint is kept.
import { bytesEqual, fromHexStrict, toHex } from '../bytes.ts';
import type { SignedHead } from '../verify/signed-heads.ts';
import { LedgerError } from '../errors.ts';
import type { Hash } from '../hashing.ts';
import { CompactRange } from '../merkle/compact-range.ts';

export interface PrunedPrefix {
  /** Rows 0 … size − 1 were pruned; size is a signed checkpoint's tree size. */
  readonly size: number;
  /** Perfect subtree roots of [0, size), largest first (popcount(size) hashes). */
  readonly frontier: readonly Hash[];
}

/** The export line's value: {"tree_size":"<decimal>","frontier":["<hex>",…]}. */
export function prunedToJson(p: PrunedPrefix): { tree_size: string; frontier: string[] } {
  return { tree_size: String(p.size), frontier: p.frontier.map(toHex) };
}

export function prunedFromJson(value: unknown): PrunedPrefix {
  const v = value as { tree_size?: unknown; frontier?: unknown } | null;
  const keys = typeof v === 'object' && v !== null ? Object.keys(v) : [];
  if (keys.length !== 2 || typeof v!.tree_size !== 'string' || !/^(0|[1-9]\d{0,15})$/.test(v!.tree_size) || !Array.isArray(v!.frontier)) {
    throw new LedgerError('MALFORMED_EXPORT', '"pruned" must be {"tree_size":"<decimal>","frontier":["<64 hex>",…]}');
  }
  const size = Number(v!.tree_size);
  if (!Number.isSafeInteger(size) || size < 1) throw new LedgerError('MALFORMED_EXPORT', '"pruned" tree_size must be a positive safe integer');
  const frontier = (v!.frontier as unknown[]).map((h) => {
    const bytes = typeof h === 'string' && h.length === 64 ? fromHexStrict(h) : undefined;
    if (!bytes) throw new LedgerError('MALFORMED_EXPORT', '"pruned" frontier hashes must be 64 lower-case hex digits');
    return bytes;
  });
  return { size, frontier };
}

/**
 * Where a walk over the retained rows starts: the checkpoint of the pruned
 * size must be among the signed heads, and the frontier must reproduce its
 * root; otherwise NODE_EDITED at that tree size (a pruned-range hash edited).
 */
export function prunedWalkStart(p: PrunedPrefix, heads: readonly SignedHead[]): { range: CompactRange; chainHead: Hash; eventTime: number } {
  const head = heads.find((h) => h.checkpoint.size === p.size);
  if (!head) {
    throw new LedgerError('NODE_EDITED', `the rows before seq ${p.size} were pruned, but no signed checkpoint has tree size ${p.size} to check their hashes against`, {
      treeSize: p.size,
    });
  }
  let range: CompactRange;
  try {
    range = new CompactRange({ size: p.size, hashes: p.frontier });
  } catch {
    throw new LedgerError('NODE_EDITED', `the pruned range [0, ${p.size}) needs ${p.size.toString(2).replace(/0/g, '').length} subtree hashes`, { treeSize: p.size });
  }
  if (!bytesEqual(range.root(), head.checkpoint.root)) {
    throw new LedgerError('NODE_EDITED', `the subtree hashes kept for the pruned rows 0 to ${p.size - 1} do not reproduce the signed root of size ${p.size}`, {
      treeSize: p.size,
    });
  }
  return { range, chainHead: head.checkpoint.chainHead, eventTime: head.checkpoint.eventTime };
}
