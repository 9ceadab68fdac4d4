// Checks beyond what Avro enforces: a call event that decodes but cannot be
// stored meaningfully is dead-lettered with the reason instead. Time is judged
// against the message's produce time from the log, never the wall clock, so a
// replay reaches the same verdict.
import type { ToolCallEvent } from '@mcpg/events';

export class InvalidCallError extends Error {
  readonly code = 'INVALID_CALL';
  readonly retriable = false;
}

const MAX_LABEL = 256;
const DAY_MS = 86_400_000;
/** A call longer than a day is a broken clock or a broken gateway, not a tool call. */
const MAX_DURATION_US = DAY_MS * 1000;
/** How far event time may sit from produce time: gateways spool for a while when Kafka is down. */
const MAX_PAST_MS = 7 * DAY_MS;
const MAX_FUTURE_MS = DAY_MS;

/** `producedAt`: the message's timestamp in the log (epoch ms). */
export function validateCall(e: ToolCallEvent, producedAt: number): ToolCallEvent {
  for (const field of ['event_id', 'org', 'workspace', 'plugin', 'tool'] as const) {
    const v = e[field];
    if (!v) throw new InvalidCallError(`${field} is empty`);
    if (v.length > MAX_LABEL) throw new InvalidCallError(`${field} is longer than ${MAX_LABEL} characters`);
  }
  return validateCallFigures(e, producedAt);
}

/**
 * validateCall's checks of times, duration and tokens, in its order: for a
 * call whose ids and labels are known to pass (read from the message's
 * bytes), the same verdict without the rest of the event.
 */
export function validateCallFigures<T extends Pick<ToolCallEvent, 'started_at' | 'duration_us' | 'tokens_in' | 'tokens_out'>>(e: T, producedAt: number): T {
  if (e.started_at < producedAt - MAX_PAST_MS) throw new InvalidCallError(`started_at ${e.started_at} is more than 7 days before the event was produced`);
  if (e.started_at > producedAt + MAX_FUTURE_MS) throw new InvalidCallError(`started_at ${e.started_at} is more than a day after the event was produced`);
  if (e.duration_us < 0) throw new InvalidCallError('duration_us is negative');
  if (e.duration_us > MAX_DURATION_US) throw new InvalidCallError(`duration_us ${e.duration_us} is longer than a day`);
  if (e.tokens_in < 0 || e.tokens_out < 0) throw new InvalidCallError('token counts are negative');
  return e;
}
