// Which org names can own a ledger. The org appears in the checkpoint origin
// line (`mcpg.dev/ledger/<org>`), which the note format keeps to one line with
// no spaces or "+" (C2SP tlog-checkpoint), so such names are refused up front:
// the ledger-worker must dead-letter an event whose org fails this check
// instead of starting a chain that could never be checkpointed.
import { LedgerError } from './errors.ts';

export const ORIGIN_PREFIX = 'mcpg.dev/ledger/';
const MAX_ORG_LENGTH = 256;
// Control characters, Unicode white space, "+", and lone surrogates.
const FORBIDDEN = /[\p{Cc}\p{White_Space}+]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

export function isLedgerOrg(org: string): boolean {
  return typeof org === 'string' && org.length > 0 && org.length <= MAX_ORG_LENGTH && !FORBIDDEN.test(org);
}

export function assertLedgerOrg(org: string): void {
  if (!isLedgerOrg(org)) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `org ${JSON.stringify(org)} cannot own a ledger: 1-${MAX_ORG_LENGTH} characters, no spaces, control characters or "+"`,
    );
  }
}

/** The checkpoint origin line of an org's ledger. */
export function checkpointOrigin(org: string): string {
  assertLedgerOrg(org);
  return ORIGIN_PREFIX + org;
}
