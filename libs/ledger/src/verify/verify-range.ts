// Verifying a stretch of a stored ledger without reading the rows before it
// (the API's verify): rows [start, end) where both ends are signed tree sizes
// (start may be 0). The tree before `start` comes in as its frontier — the
// stored perfect-node hashes of [0, start) — and must reproduce the signed
// root at `start` (a forged node cannot, short of a SHA-256 collision); the
// chain continues from that checkpoint's signed chain head. From there the
// rows are walked exactly as the offline verifier walks an export
// (verify-ledger.ts), against every checkpoint in between, so a break gets
// the same code and seq from both. Stored nodes the rows complete are
// compared with the recomputed ones last: only once every signed root
// matched are the recomputed nodes known to be the signed ones.
import { bytesEqual } from '../bytes.ts';
import { genesisHash } from '../chain.ts';
import { LedgerError } from '../errors.ts';
import type { Hash } from '../hashing.ts';
import { checkpointOrigin } from '../ledger-org.ts';
import { CompactRange } from '../merkle/compact-range.ts';
import type { Keyring } from '../note/keyring.ts';
import type { ExportedRow } from './exported-row.ts';
import { collectSignedHeads } from './signed-heads.ts';
import { walkRows } from './verify-ledger.ts';

export interface VerifyRangeInput {
  readonly org: string;
  /** Signed tree size the range starts at (0, or a checkpoint's size). */
  readonly start: number;
  /** Perfect subtree roots of [0, start), largest first, as stored (popcount(start) hashes). */
  readonly frontier: readonly Hash[];
  /** Rows with start ≤ seq < the largest checkpoint's size, as stored, in seq order. */
  readonly rows: readonly ExportedRow[];
  /** Every checkpoint note with a size in [start, end]; the largest is the end. */
  readonly checkpoints: readonly string[];
  readonly keyring: Keyring;
  /** The stored perfect node (level, index) completed by leaf `seq`, if any: compared with the recomputed one. */
  readonly storedNode?: (seq: bigint, level: number, index: number) => Hash | undefined;
}

export type RangeVerifyResult =
  | { readonly ok: true; readonly end: number; readonly checkpoints: readonly number[]; readonly signedBy: readonly string[] }
  | { readonly ok: false; readonly error: LedgerError; readonly checkpoints: readonly number[]; readonly signedBy: readonly string[] };

export function verifyLedgerRange(input: VerifyRangeInput): RangeVerifyResult {
  let sizes: number[] = [];
  let signedBy: string[] = [];
  try {
    const { heads, opened } = collectSignedHeads(input.checkpoints, input.keyring, checkpointOrigin(input.org), undefined);
    sizes = heads.map((h) => h.checkpoint.size);
    signedBy = [...new Set(opened.flatMap((o) => o.signedBy.map((e) => e.key.name)))];
    const first = heads[0];
    if (first === undefined) throw new LedgerError('INVALID_ARGUMENT', 'no checkpoint to verify the range against');
    const startHead = heads.find((h) => h.checkpoint.size === input.start);
    if (input.start > 0 && startHead === undefined) {
      throw new LedgerError('INVALID_ARGUMENT', `the range must start at 0 or at a checkpoint's size, not ${input.start}`);
    }
    let range: CompactRange;
    try {
      range = new CompactRange({ size: input.start, hashes: input.frontier });
    } catch {
      throw nodeEdited(`the Merkle nodes stored for seq 0 to ${input.start - 1} are incomplete`, { treeSize: input.start });
    }
    if (startHead !== undefined && input.start > 0 && !bytesEqual(range.root(), startHead.checkpoint.root)) {
      throw nodeEdited(`the Merkle nodes stored for seq 0 to ${input.start - 1} do not reproduce the signed root of size ${input.start}`, {
        treeSize: input.start,
      });
    }
    let firstNodeMismatch: { seq: bigint; level: number; index: number } | undefined;
    const visit = input.storedNode
      ? (seq: bigint, level: number, index: number, hash: Hash) => {
          if (firstNodeMismatch !== undefined) return;
          const stored = input.storedNode!(seq, level, index);
          if (stored === undefined || !bytesEqual(stored, hash)) firstNodeMismatch = { seq, level, index };
        }
      : undefined;
    const start = startHead && input.start > 0
      ? { range, chainHead: startHead.checkpoint.chainHead, eventTime: startHead.checkpoint.eventTime }
      : { range, chainHead: genesisHash(input.org), eventTime: 0 };
    walkRows(input.org, input.rows, heads, start, visit);
    if (firstNodeMismatch !== undefined) {
      const { seq, level, index } = firstNodeMismatch;
      throw nodeEdited(
        `the rows verify against the signed checkpoints, but the Merkle node (level ${level}, index ${index}) stored with seq ${seq} is not their hash: proofs built from it will not verify`,
        { seq },
      );
    }
    return { ok: true, end: sizes[sizes.length - 1] as number, checkpoints: sizes, signedBy };
  } catch (error) {
    if (error instanceof LedgerError) return { ok: false, error, checkpoints: sizes, signedBy };
    throw error;
  }
}

function nodeEdited(message: string, at: { seq?: bigint; treeSize?: number }): LedgerError {
  return new LedgerError('NODE_EDITED', message, at);
}
