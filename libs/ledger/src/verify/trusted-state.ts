// Moving a verifier's trusted head forward without the rows, as a witness or
// a client of the API does: the new signed head must not be smaller than the
// trusted one (ROLLBACK) and must extend it, proven by an RFC 9162
// consistency proof (FORK otherwise). Both heads must already be opened with
// openCheckpoint; this only relates them.
import { bytesEqual } from '../bytes.ts';
import type { Checkpoint } from '../checkpoint/checkpoint.ts';
import { LedgerError } from '../errors.ts';
import type { Hash } from '../hashing.ts';
import { verifyConsistency } from '../merkle/consistency-proof.ts';

export function checkTrustedAdvance(trusted: Checkpoint, next: Checkpoint, proof: readonly Hash[]): void {
  const at = { treeSize: next.size };
  if (next.origin !== trusted.origin) {
    throw new LedgerError('FOREIGN_CHECKPOINT', `checkpoint of ${next.origin}, trusted head is of ${trusted.origin}`, at);
  }
  if (next.size < trusted.size) {
    throw new LedgerError('ROLLBACK', `checkpoint of size ${next.size} is smaller than the trusted size ${trusted.size}`, at);
  }
  if (next.size === trusted.size) {
    const same = bytesEqual(next.root, trusted.root) && bytesEqual(next.chainHead, trusted.chainHead) && next.eventTime === trusted.eventTime;
    if (!same) throw new LedgerError('FORK', `two signed checkpoints of size ${next.size} disagree`, at);
    return;
  }
  if (!verifyConsistency(trusted.size, next.size, trusted.root, next.root, proof)) {
    throw new LedgerError('FORK', `checkpoint of size ${next.size} does not extend the trusted checkpoint of size ${trusted.size}`, at);
  }
}
