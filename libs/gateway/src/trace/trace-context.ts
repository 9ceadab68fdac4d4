// W3C trace context for one call through the gateway. The gateway is one hop:
// it continues the caller's trace (from the HTTP `traceparent` header or the
// MCP request's `_meta.traceparent`) with a span id of its own, and starts a
// new trace when the caller sent none. That span's traceparent goes to the
// upstream and into the Kafka headers, so a consumer joins the same trace.
import { randomBytes } from 'node:crypto';

export interface TraceContext {
  readonly traceId: string;
  /** The gateway's span for this call. */
  readonly spanId: string;
  /** The caller's span, when it sent one. */
  readonly parentSpanId: string | null;
  readonly flags: string;
  readonly tracestate: string | null;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export function parseTraceparent(value: unknown): { traceId: string; spanId: string; flags: string } | null {
  if (typeof value !== 'string') return null;
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return null;
  return { traceId: m[1]!, spanId: m[2]!, flags: m[3]! };
}

/** Continues the first valid traceparent of `candidates` (header before `_meta`), or starts a trace. */
export function continueTrace(candidates: readonly unknown[], tracestate: unknown = null): TraceContext {
  for (const candidate of candidates) {
    const parent = parseTraceparent(candidate);
    if (parent) {
      return {
        traceId: parent.traceId,
        spanId: newSpanId(),
        parentSpanId: parent.spanId,
        flags: parent.flags,
        tracestate: typeof tracestate === 'string' && tracestate.length > 0 ? tracestate : null,
      };
    }
  }
  return { traceId: randomBytes(16).toString('hex'), spanId: newSpanId(), parentSpanId: null, flags: '01', tracestate: null };
}

export function formatTraceparent(t: TraceContext): string {
  return `00-${t.traceId}-${t.spanId}-${t.flags}`;
}

/** Headers for Kafka messages and HTTP upstream requests. */
export function traceHeadersOf(t: TraceContext): Record<string, string> {
  const out: Record<string, string> = { traceparent: formatTraceparent(t) };
  if (t.tracestate) out.tracestate = t.tracestate;
  return out;
}

function newSpanId(): string {
  let id = randomBytes(8).toString('hex');
  while (id === ZERO_SPAN) id = randomBytes(8).toString('hex');
  return id;
}
