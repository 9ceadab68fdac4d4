// A ledger row: one masked audit event at its place in an org's chain. The
// fields are those of schemas/avro/audit-event.avsc plus `seq`; the Kafka
// partition and offset it came from are deliberately not part of it, so a
// replay from any position hashes the same.
import type { AuditEvent } from '@mcpg/events';
import { LedgerError } from './errors.ts';

export interface LedgerRow {
  readonly org: string;
  /** 0-based position in the org's chain; equals the Merkle leaf index. */
  readonly seq: bigint;
  readonly event_id: string;
  readonly workspace: string;
  readonly instance: string;
  /** Epoch milliseconds, a safe integer. */
  readonly occurred_at: number;
  readonly action: string;
  readonly actor: string;
  readonly resource: string;
  /** Enum symbols are hashed as text, so adding a symbol never changes old hashes. */
  readonly decision: string;
  readonly outcome: string;
  readonly latency_us: number | null;
  readonly arguments: string | null;
  readonly response: string | null;
  readonly error: string | null;
  readonly trace_id: string | null;
}

// A field added to the .avsc (and the generated AuditEvent) must be added here
// and to a new canonical encoding version on purpose: otherwise it would be
// stored but silently left out of the hash. This line stops compiling if so.
// The one exception, named here on purpose: call_event_id (AuditEvent v2) is
// a join key for the call trace, not part of the audited record, and is not
// stored in the ledger; for a gateway's own events the hashed event_id
// already carries it (`<call event id>:audit`).
type UnhashedEventFields = Exclude<keyof AuditEvent, keyof LedgerRow | 'call_event_id'>;
const everyEventFieldIsHashed: [UnhashedEventFields] extends [never] ? true : false = true;
void everyEventFieldIsHashed;

/** The row fields in canonical order (see README.md, "Canonical row encoding"). */
export const LEDGER_ROW_FIELDS = [
  'seq',
  'org',
  'event_id',
  'workspace',
  'instance',
  'occurred_at',
  'action',
  'actor',
  'resource',
  'decision',
  'outcome',
  'latency_us',
  'arguments',
  'response',
  'error',
  'trace_id',
] as const satisfies readonly (keyof LedgerRow)[];

/** A row before it has its place: what the ledger-worker appends (an AuditEvent is one). */
export type LedgerEvent = Omit<LedgerRow, 'seq'>;

/** The row for an event at `seq`, copying exactly the hashed fields (extra properties are dropped). */
export function ledgerRowFromEvent(event: LedgerEvent, seq: bigint): LedgerRow {
  return {
    org: event.org,
    seq,
    event_id: event.event_id,
    workspace: event.workspace,
    instance: event.instance,
    occurred_at: event.occurred_at,
    action: event.action,
    actor: event.actor,
    resource: event.resource,
    decision: event.decision,
    outcome: event.outcome,
    latency_us: event.latency_us,
    arguments: event.arguments,
    response: event.response,
    error: event.error,
    trace_id: event.trace_id,
  };
}

/** JSON form of a row: `seq` as a decimal string (it may exceed 2^53), everything else as is. */
export type LedgerRowJson = Omit<LedgerRow, 'seq'> & { readonly seq: string };

export function ledgerRowToJson(row: LedgerRow): LedgerRowJson {
  return { ...row, seq: row.seq.toString() };
}

const SEQ_TEXT = /^(0|[1-9][0-9]*)$/;
const KNOWN = new Set<string>(LEDGER_ROW_FIELDS);

/**
 * Reads the JSON form strictly: exactly the row's keys (an extra key would be
 * kept by the reader but not hashed), `seq` as a canonical decimal string.
 * Field types are checked by the encoder, which every row passes through.
 */
export function ledgerRowFromJson(value: unknown): LedgerRow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LedgerError('INVALID_ROW', 'a ledger row must be a JSON object');
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KNOWN.has(key)) throw new LedgerError('INVALID_ROW', `unknown row field "${key}"`);
  }
  for (const key of LEDGER_ROW_FIELDS) {
    if (!(key in obj)) throw new LedgerError('INVALID_ROW', `row field "${key}" is missing`);
  }
  const seq = obj['seq'];
  if (typeof seq !== 'string' || !SEQ_TEXT.test(seq)) {
    throw new LedgerError('INVALID_ROW', 'row field "seq" must be a decimal string without leading zeros');
  }
  return { ...(obj as unknown as LedgerRowJson), seq: BigInt(seq) };
}
