// What the ledger worker takes from a routed audit message (mcpg.audit.by-org.v1,
// see audit-router.ts) before folding: the decoded event, checked and masked,
// with the position the router read it from in mcpg.audit.v1. Everything here
// is a pure function of the message (the masker is deterministic), so a
// replay produces the same rows. A message that can never become a ledger row
// throws with a code and goes to the dead-letter topic.
import { auditCodec, type AuditEvent } from '@mcpg/events';
import { checkLedgerEvent, isLedgerOrg, type LedgerEvent } from '@mcpg/ledger';
import type { Masker } from '@mcpg/masking';
import type { IncomingMessage } from '@mcpg/pipeline';

/** Why the ledger worker dead-letters an audit event (TOO_LARGE_TO_ROUTE: its routed copy is over the broker's limit). */
export const LEDGER_DECODE_CODES = ['INVALID_ORG', 'KEY_NOT_ORG', 'NOT_ROUTED', 'TOO_LARGE_TO_ROUTE'] as const;
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

/**
 * The headers the router adds: where it read the event in mcpg.audit.v1. The
 * ledger stores this position with the row and dedups re-sent events by it.
 */
export const ROUTE_HEADERS = {
  partition: 'mcpg-audit-partition',
  offset: 'mcpg-audit-offset',
} as const;

/** A masked event with the position it was read from. */
export interface PendingLedgerEvent {
  readonly event: LedgerEvent;
  /** Partition of mcpg.audit.v1 (the source). */
  readonly partition: number;
  /** Offset in that partition, decimal. */
  readonly offset: string;
  /** Partition of mcpg.audit.by-org.v1 the event was folded from. */
  readonly routedPartition: number;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** The masked form is what is hashed and stored: secrets never reach the ledger. */
export function maskAuditEvent(masker: Masker, e: AuditEvent): LedgerEvent {
  return maskInPlace(masker, { ...e });
}

/** The free-text fields masked in the object itself, which the caller owns (a decoded message's). */
function maskInPlace(masker: Masker, e: Writable<AuditEvent>): LedgerEvent {
  e.arguments = maskOrNull(masker, e.arguments);
  e.response = maskOrNull(masker, e.response);
  e.error = maskOrNull(masker, e.error);
  return e;
}

// Not a closure per event: this runs for every audit message.
const maskOrNull = (masker: Masker, s: string | null): string | null => (s === null ? null : masker.maskText(s));

/**
 * What the router checks before it routes an mcpg.audit.v1 message: it
 * decodes, names a ledger, and is keyed by its org. Returns the org.
 */
export function routableOrg(msg: IncomingMessage): string {
  const decoded = auditCodec.decode(msg.value);
  checkOrg(decoded, msg.key);
  return decoded.org;
}

function checkOrg(decoded: AuditEvent, key: string | null): void {
  if (!isLedgerOrg(decoded.org)) {
    throw new LedgerDecodeError('INVALID_ORG', `org ${JSON.stringify(decoded.org.slice(0, 64))} cannot name a ledger (1–256 characters, no spaces, control characters or "+")`);
  }
  // Any partitioner will do: the router re-partitions by org, and keying by
  // org keeps each producer's events of an org in one partition, in order.
  if (key !== decoded.org) {
    throw new LedgerDecodeError('KEY_NOT_ORG', `message key ${JSON.stringify(key?.slice(0, 64) ?? null)} is not the event's org ${JSON.stringify(decoded.org)}`);
  }
}

const OFFSET = /^(0|[1-9][0-9]{0,18})$/;
const PARTITION = /^(0|[1-9][0-9]{0,4})$/;

/** A message of mcpg.audit.by-org.v1 as a masked event with its source position. */
export function decodeLedgerMessage(masker: Masker, msg: IncomingMessage): PendingLedgerEvent {
  const partition = msg.headers[ROUTE_HEADERS.partition];
  const offset = msg.headers[ROUTE_HEADERS.offset];
  // Only the router writes this topic; anything else has no position to dedup by.
  if (partition === undefined || offset === undefined || !PARTITION.test(partition) || !OFFSET.test(offset) || Number(partition) > 0xffff) {
    throw new LedgerDecodeError('NOT_ROUTED', `no source position in headers ${ROUTE_HEADERS.partition} / ${ROUTE_HEADERS.offset}: only the ledger's router writes ${msg.topic}`);
  }
  const decoded = auditCodec.decode(msg.value);
  checkOrg(decoded, msg.key);
  // Masked in place: the decoded object is this message's alone, and a
  // masked copy of it would be one more 17-field object per row for the
  // collector (maskAuditEvent is the copying form).
  const event = maskInPlace(masker, decoded);
  // Throws INVALID_ROW (unsafe integer, lone surrogate) now, while the
  // message can still be dead-lettered, rather than in the fold.
  checkLedgerEvent(event);
  return { event, partition: Number(partition), offset, routedPartition: msg.partition };
}
