// Checks beyond what Avro enforces: a call event that decodes but cannot be
// stored meaningfully is dead-lettered with the reason instead. Only static
// bounds: a check against the wall clock would make a replay disagree.
import type { ToolCallEvent } from '@mcpg/events';

export class InvalidCallError extends Error {
  readonly code = 'INVALID_CALL';
  readonly retriable = false;
}

const MAX_LABEL = 256;
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2200, 0, 1);

export function validateCall(e: ToolCallEvent): ToolCallEvent {
  for (const field of ['event_id', 'org', 'workspace', 'plugin', 'tool'] as const) {
    const v = e[field];
    if (!v) throw new InvalidCallError(`${field} is empty`);
    if (v.length > MAX_LABEL) throw new InvalidCallError(`${field} is longer than ${MAX_LABEL} characters`);
  }
  if (e.started_at < MIN_TIME || e.started_at > MAX_TIME) throw new InvalidCallError(`started_at ${e.started_at} is out of range`);
  if (e.duration_us < 0) throw new InvalidCallError('duration_us is negative');
  if (e.tokens_in < 0 || e.tokens_out < 0) throw new InvalidCallError('token counts are negative');
  return e;
}
