// kafkajs 2.2.4 re-arms a timer in each broker connection's request queue
// after every check, also when no request waits and no throttle is in effect:
// the delay is then negative, so Node runs it after 1 ms, and it re-arms
// itself again — a 1 ms timer loop per connection for the life of the process
// once the first answer has come in (kafkajs issues 1556, 1604 and 1704,
// unfixed in the release). Each turn wakes the event loop: about a thousand
// wake-ups a second per connection, which an idle gateway pays as CPU and a
// busy one as extra wake-ups per tool call (measured in BENCHMARKS.md).
//
// The guard lets the check be scheduled only when it has work: a request
// waiting, or a broker throttle still running. Waiting requests are still
// sent when an in-flight one completes or times out (kafkajs calls the check
// itself then), and while throttled the timer runs as before.
import { createRequire } from 'node:module';

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  scheduleCheckPendingRequests(this: RequestQueueInternals): void;
}

const GUARDED = Symbol.for('mcpg.bus.requestQueueTimerGuard');

/** Installs the guard on kafkajs' RequestQueue (once per process; a kafkajs without that method is left alone). */
export function guardRequestQueueTimer(): void {
  const require = createRequire(import.meta.url);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueInternals & { [GUARDED]?: true } };
  const proto = RequestQueue.prototype;
  const schedule = proto.scheduleCheckPendingRequests;
  if (typeof schedule !== 'function' || proto[GUARDED]) return;
  proto.scheduleCheckPendingRequests = function (this: RequestQueueInternals): void {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  proto[GUARDED] = true;
}
