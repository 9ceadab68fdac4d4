// The rows up to a signed head's size passed every row check, yet their root
// is not the signed one. Either the rows were rewritten together with their
// stored hashes (ROW_EDITED, located only to the interval since the last head
// that matched), or the signer signed a head that contradicts a later signed
// head the rows do reproduce (FORK). Which one is told by finishing the tree
// from the export's later rows and comparing with the later signed heads.
import { bytesEqual } from '../bytes.ts';
import { rowLeafHash } from '../canonical-row.ts';
import { LedgerError } from '../errors.ts';
import { CompactRange } from '../merkle/compact-range.ts';
import type { ExportedRow } from './exported-row.ts';
import type { SignedHead } from './signed-heads.ts';

function laterHeadMatches(range: CompactRange, rows: readonly ExportedRow[], from: number, later: readonly SignedHead[]): SignedHead | undefined {
  const tree = new CompactRange(range.state());
  let next = 0;
  const matchesAtSize = (): SignedHead | undefined => {
    for (; next < later.length && (later[next] as SignedHead).checkpoint.size <= tree.size; next++) {
      const head = later[next] as SignedHead;
      if (head.checkpoint.size === tree.size && bytesEqual(tree.root(), head.checkpoint.root)) return head;
    }
    return undefined;
  };
  for (let i = from; i < rows.length && next < later.length; i++) {
    try {
      tree.append(rowLeafHash((rows[i] as ExportedRow).row));
    } catch {
      return undefined;
    }
    const match = matchesAtSize();
    if (match !== undefined) return match;
  }
  return undefined;
}

export function headMismatch(
  head: SignedHead,
  range: CompactRange,
  rows: readonly ExportedRow[],
  position: number,
  intervalStart: number,
  later: readonly SignedHead[],
): LedgerError {
  const size = head.checkpoint.size;
  const what = head.trusted ? 'the trusted checkpoint' : 'the signed checkpoint';
  const other = laterHeadMatches(range, rows, position + 1, later);
  if (other !== undefined) {
    return new LedgerError(
      'FORK',
      `${what} of size ${size} is not consistent with the signed checkpoint of size ${other.checkpoint.size}, which the rows reproduce`,
      { treeSize: size },
    );
  }
  return new LedgerError(
    'ROW_EDITED',
    `rows ${intervalStart} to ${size - 1} do not reproduce the root of ${what} of size ${size} (rows rewritten together with their stored hashes)`,
    { treeSize: size, seq: BigInt(intervalStart) },
  );
}
