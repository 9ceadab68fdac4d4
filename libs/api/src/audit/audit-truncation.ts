// truncated_before for audit answers: an org whose ledger was pruned (its
// retention plan's audit window) no longer holds rows before its oldest
// retained one; a search or download whose range reaches before that answers
// with what remains and says where it starts, in the JSON body and, for a CSV
// download (no body field to put it in), in the TRUNCATED_BEFORE_HEADER.
import { auditRetainedFrom, type Store } from '@mcpg/store';

export const TRUNCATED_BEFORE_HEADER = 'mcpg-truncated-before';

export const truncatedBeforeSchema = {
  type: ['integer', 'null'],
  description: "The range reaches before the org's oldest retained audit row (older rows were pruned under its retention plan): rows start here (epoch ms); null when nothing of the range was pruned",
} as const;

/** Epoch ms where the org's retained rows start, if the range (from, or no from) reaches before it; else null. */
export async function auditTruncatedBefore(store: Store, filter: { readonly org: string; readonly fromMs?: number }): Promise<number | null> {
  const retainedFrom = await auditRetainedFrom(store, filter.org);
  return retainedFrom !== null && (filter.fromMs === undefined || filter.fromMs < retainedFrom) ? retainedFrom : null;
}
