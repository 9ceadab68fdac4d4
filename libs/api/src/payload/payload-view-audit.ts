// The audit events of decrypt-on-view: one `payload.view` event per field
// shown, and one per refused or failed attempt, in the org's ledger through
// the same topic as the gateways' events. The call's event id is the join key
// (call_event_id), so the call trace lists who looked at its payloads.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AuditEvent, AuditOutcome } from '@mcpg/events';

export const PAYLOAD_VIEW_ACTION = 'payload.view';

/** Sends audit events and resolves once the log holds them (the API's producer). */
export type AuditSink = (events: readonly AuditEvent[]) => Promise<void>;

const instance = `query-api@${hostname()}`;

export function payloadViewEvent(o: {
  readonly org: string;
  readonly eventId: string;
  readonly field: string;
  /** The API key's id; null: no key (anonymous, or auth off). */
  readonly keyId: string | null;
  readonly outcome: AuditOutcome;
  /** The API error code of a refused or failed attempt. */
  readonly error: string | null;
  readonly at: number;
}): AuditEvent {
  return {
    event_id: `payload-view:${randomUUID()}`,
    org: o.org,
    workspace: '',
    instance,
    occurred_at: o.at,
    action: PAYLOAD_VIEW_ACTION,
    actor: o.keyId === null ? 'anonymous' : `api-key:${o.keyId}`,
    resource: `${o.eventId}/${o.field}`,
    decision: o.outcome === 'denied' ? 'deny' : 'permit',
    outcome: o.outcome,
    latency_us: null,
    arguments: null,
    response: null,
    error: o.error,
    trace_id: null,
    call_event_id: o.eventId,
  };
}
