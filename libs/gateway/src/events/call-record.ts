// What the proxy knows about one finished call: the input of the events.
// Everything here is raw (unmasked); only the event factory turns it into
// event fields, masking on the way.
import type { CallOutcome } from '@mcpg/events';
import type { Identity } from '../identity.ts';
import type { Decision } from '../policy/policy.ts';
import type { TraceContext } from '../trace/trace-context.ts';

export interface CallRecord {
  readonly callId: string;
  readonly identity: Identity;
  /** The namespaced name the client called (`server__tool`). */
  readonly name: string;
  /** The labels of the call: for a name that resolved to no tool, the configured server it names or `__unknown__`, and tool `__unknown__`. */
  readonly server: string;
  readonly tool: string;
  readonly startedAt: number;
  readonly durationUs: number;
  readonly outcome: CallOutcome;
  /** A GatewayErrorCode, or TOOL_ERROR for a result with isError. */
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly arguments: unknown;
  readonly argumentBytes: number;
  /** Arguments over the cap are not kept, only their size. */
  readonly argumentsTooLarge: boolean;
  readonly result: unknown;
  readonly decision: Decision;
  readonly trace: TraceContext;
}
