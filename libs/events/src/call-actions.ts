// What "a call" is, once for every producer and reader: each tool call a
// gateway answers for an identified client (permitted or denied by policy,
// to a tool that exists or not, ok or failed) yields exactly one
// ToolCallEvent (what the fleet metrics count) and one AuditEvent whose
// action is one of these (what the audit's tool-calls view lists). A request
// refused before an identity is known (`auth.denied`) is no call.
import type { CallOutcome, CallSource } from './event-types.generated.ts';

/** The audit action of a call that ran, or was refused for another reason than policy, by its source. */
export const CALL_ACTION_OF_SOURCE = { mcp: 'tool.call', sandbox: 'sandbox.exec', skill: 'skill.invoke' } as const satisfies Record<CallSource, string>;

/** The audit action of a call the policy denied, whatever its source. */
export const DENIED_CALL_ACTION = 'policy.deny';

/** Every audit action that records a call. */
export const CALL_ACTIONS: readonly string[] = [...Object.values(CALL_ACTION_OF_SOURCE), DENIED_CALL_ACTION];

/** The audit action of a call with this source and outcome. */
export function callAction(source: CallSource, outcome: CallOutcome): string {
  return outcome === 'denied' ? DENIED_CALL_ACTION : CALL_ACTION_OF_SOURCE[source];
}
