// What the ledger worker takes from an mcpg.audit.v1 message before folding:
// the decoded event, checked and masked. Everything here is a pure function
// of the message bytes (the masker is deterministic), so a replay produces the
// same rows. A message that can never become a ledger row throws with a code
// and goes to the dead-letter topic.
import { auditCodec, type AuditEvent } from '@mcpg/events';
import { encodeCanonicalRow, isLedgerOrg, ledgerRowFromEvent, type LedgerEvent } from '@mcpg/ledger';
import type { Masker } from '@mcpg/masking';
import type { IncomingMessage } from '@mcpg/pipeline';

export const LEDGER_DECODE_CODES = ['INVALID_ORG', 'KEY_NOT_ORG'] as const;
export type LedgerDecodeCode = (typeof LEDGER_DECODE_CODES)[number];

export class LedgerDecodeError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: LedgerDecodeCode,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerDecodeError';
  }
}

/** A masked event with the position it was read from. */
export interface PendingLedgerEvent {
  readonly event: LedgerEvent;
  readonly partition: number;
  readonly offset: string;
}

/** The masked form is what is hashed and stored: secrets never reach the ledger. */
export function maskAuditEvent(masker: Masker, e: AuditEvent): LedgerEvent {
  const text = (s: string | null) => (s === null ? null : masker.maskText(s));
  return { ...e, arguments: text(e.arguments), response: text(e.response), error: text(e.error) };
}

export function decodeLedgerMessage(masker: Masker, msg: IncomingMessage): PendingLedgerEvent {
  const decoded = auditCodec.decode(msg.value);
  if (!isLedgerOrg(decoded.org)) {
    throw new LedgerDecodeError('INVALID_ORG', `org ${JSON.stringify(decoded.org.slice(0, 64))} cannot name a ledger (1–256 characters, no spaces, control characters or "+")`);
  }
  // One partition per org chain: an event keyed otherwise may sit in another
  // partition, and its order against the org's other events would be undefined.
  if (msg.key !== decoded.org) {
    throw new LedgerDecodeError('KEY_NOT_ORG', `message key ${JSON.stringify(msg.key?.slice(0, 64) ?? null)} is not the event's org ${JSON.stringify(decoded.org)}`);
  }
  const event = maskAuditEvent(masker, decoded);
  // Throws INVALID_ROW (unsafe integer, lone surrogate) now, while the
  // message can still be dead-lettered, rather than in the fold.
  encodeCanonicalRow(ledgerRowFromEvent(event, 0n));
  return { event, partition: msg.partition, offset: msg.offset };
}
