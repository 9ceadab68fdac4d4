// W3C trace context across Kafka: the producer writes `traceparent` (and
// `tracestate`) into message headers, the consumer continues the trace from
// them. Uses only @opentelemetry/api plus the W3C propagator, so it works the
// same whether or not an SDK is started (without one no span is recording and
// nothing is written).
import { context as otelContext, trace, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

const setter = {
  set(carrier: Record<string, string>, key: string, value: string) {
    carrier[key] = value;
  },
};
const getter = {
  get(carrier: Readonly<Record<string, string>>, key: string) {
    return carrier[key];
  },
  keys(carrier: Readonly<Record<string, string>>) {
    return Object.keys(carrier);
  },
};

/** Returns headers with the active (or given) span context added. */
export function traceHeaders(ctx: Context = otelContext.active()): Record<string, string> {
  const out: Record<string, string> = {};
  if (trace.getSpanContext(ctx)) propagator.inject(ctx, out, setter);
  return out;
}

/** The context a consumer continues from, or the root context if headers carry none. */
export function contextFromHeaders(headers: Readonly<Record<string, string>>, base: Context = otelContext.active()): Context {
  return propagator.extract(base, headers, getter);
}
