// The trace context of the call in progress, for the HTTP upstream's fetch:
// the SDK client sends the request from inside the caller's async context, so
// the fetch wrapper finds the right traceparent without threading it through
// the SDK.
import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import type { TraceContext } from './trace-context.ts';
import { traceHeadersOf } from './trace-context.ts';

const current = new AsyncLocalStorage<TraceContext>();

export function runWithTrace<T>(trace: TraceContext, fn: () => T): T {
  return current.run(trace, fn);
}

/** The trace context of the call in progress (set by runWithTrace), if any. */
export function currentTrace(): TraceContext | undefined {
  return current.getStore();
}

/** A fetch that adds the current call's `traceparent` (and `tracestate`) to each request. */
export function tracingFetch(base: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    // The SDK passes one long-lived AbortSignal to every fetch; undici adds a
    // listener per request and drops it only when the request is garbage
    // collected, so the default limit's warning would fire under steady load.
    if (init?.signal) setMaxListeners(0, init.signal);
    const trace = current.getStore();
    if (!trace) return base(input, init);
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(traceHeadersOf(trace))) headers.set(k, v);
    return base(input, { ...init, headers });
  };
}
