// Event times in messages: ISO 8601 when a Date can hold them, else raw ms
// (any safe integer is a valid occurred_at, but Date stops at ±8.64e15 ms).
export function describeEventTime(ms: number): string {
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}
