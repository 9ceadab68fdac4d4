// The gateway's SERVER span for one tools/call, named and attributed by the
// OpenTelemetry MCP conventions (`tools/call {gen_ai.tool.name}`,
// mcp.method.name, jsonrpc.request.id). Its parent is the caller's
// traceparent (HTTP header before `_meta`); its span id is the one the
// upstream, the events and their Kafka headers carry. Never the arguments or
// the result: only names, ids and the outcome.
//
// Without a tracing SDK (or while export is off) the span does not record and
// costs next to nothing; under a caller the trace context then comes from
// continueTrace as before, so the caller's trace (and its sampled flag) still
// reaches the upstream and the workers. A trace that starts here and is not
// sampled goes on unsampled (flags 00): the decision is made once, at the root.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, createTraceState, isSpanContextValid, trace as otel, type Context, type Span } from '@opentelemetry/api';
import { continueTrace, parseTraceparent, type TraceContext } from './trace-context.ts';

const tracer = otel.getTracer('mcpg-gateway');

/** The tool name and request id are the client's to choose (any length): spans carry at most this much of each. */
const MAX_CLIENT_TEXT = 256;
const bounded = (text: string) => (text.length <= MAX_CLIENT_TEXT ? text : `${text.slice(0, MAX_CLIENT_TEXT)}…`);

export interface CallSpan {
  readonly span: Span;
  readonly trace: TraceContext;
}

export function startCallSpan(tool: string, requestId: string | number, transport: 'http' | 'stdio', candidates: readonly unknown[], tracestate: unknown): CallSpan {
  let parent: ReturnType<typeof parseTraceparent> = null;
  for (const c of candidates) if ((parent = parseTraceparent(c))) break;
  const state = typeof tracestate === 'string' && tracestate.length > 0 ? tracestate : null;
  let ctx: Context = ROOT_CONTEXT;
  if (parent) {
    ctx = otel.setSpanContext(ROOT_CONTEXT, {
      traceId: parent.traceId,
      spanId: parent.spanId,
      traceFlags: parseInt(parent.flags, 16),
      isRemote: true,
      ...(state ? { traceState: createTraceState(state) } : {}),
    });
  }
  const name = bounded(tool);
  const span = tracer.startSpan(
    `tools/call ${name}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'mcp.method.name': 'tools/call',
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': name,
        'jsonrpc.request.id': bounded(String(requestId)),
        'network.transport': transport === 'http' ? 'tcp' : 'pipe',
      },
    },
    ctx,
  );
  const sc = span.spanContext();
  // Not recording under a caller: keep the caller's flags for the hops after
  // this one (their SDKs decide). No SDK at all: the span context is invalid.
  if ((!span.isRecording() && parent) || !isSpanContextValid(sc)) return { span, trace: continueTrace(candidates, tracestate) };
  return {
    span,
    trace: { traceId: sc.traceId, spanId: sc.spanId, parentSpanId: parent?.spanId ?? null, flags: sc.traceFlags.toString(16).padStart(2, '0'), tracestate: state },
  };
}

/** Ends the span with the call's outcome: `errorCode` is the gateway's error code (never a message). */
export function endCallSpan(span: Span, server: string, errorCode: string | null): void {
  if (!span.isRecording()) return;
  if (server) span.setAttribute('mcpg.upstream', server);
  if (errorCode) {
    span.setAttribute('error.type', errorCode);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
