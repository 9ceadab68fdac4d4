// Operator actions (a plan change, a key rotation, a configuration change)
// belong in the org's audit ledger like any gateway action: they travel as an
// AuditEvent on mcpg.audit.v1, keyed by the org, and the ledger worker chains
// and signs them with the rest. This builds the event; OperatorAudit is the
// port that sends it (libs/pipeline's busOperatorAudit over the bus).
import type { AuditEvent } from './event-types.generated.ts';

/** Where operator events say they come from (the instance column of their ledger rows). */
export const OPERATOR_INSTANCE = 'mcpg-operator';

export interface OperatorAction {
  /** Unique per action (a UUID): the event's id, which the change's own record can name. */
  readonly eventId: string;
  readonly org: string;
  /** `operator.` and a dotted name, e.g. operator.plan_change. */
  readonly action: `operator.${string}`;
  /** Who did it: the API key id, or `config` for a change made by configuration. */
  readonly actor: string;
  /** What it changed, e.g. `plan` or `payload-key`. */
  readonly resource: string;
  /** The change (old and new values): the ledger row's arguments, as JSON. Never secrets. */
  readonly details: object;
  /** Epoch ms. */
  readonly occurredAt: number;
  readonly workspace?: string;
  /** Where it was done (the instance column): default OPERATOR_INSTANCE; the CLI names its host. */
  readonly instance?: string;
}

export function operatorAuditEvent(a: OperatorAction): AuditEvent {
  if (!a.action.startsWith('operator.')) throw new Error(`operator actions start with operator., not ${a.action}`);
  return {
    event_id: a.eventId,
    org: a.org,
    workspace: a.workspace ?? '',
    instance: a.instance ?? OPERATOR_INSTANCE,
    occurred_at: a.occurredAt,
    action: a.action,
    actor: a.actor,
    resource: a.resource,
    decision: 'none',
    outcome: 'ok',
    latency_us: null,
    arguments: JSON.stringify(a.details),
    response: null,
    error: null,
    trace_id: null,
    call_event_id: null,
  };
}

/** Sends operator actions to the ledger; resolves once the log has accepted the event. */
export interface OperatorAudit {
  record(action: OperatorAction): Promise<void>;
}
