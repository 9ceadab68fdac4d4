// A PRODUCER span per message that carries a trace: child of the span named
// in its `traceparent` header, and the header is rewritten to name this span,
// so the consumer's span hangs under the send (messaging semantic
// conventions: the message's context is its producer span's). One span per
// message rather than per produce request: a request mixes many traces, and
// a span has one parent. Messages without a traceparent (bulk traffic, the
// dead-letter topic's copies) cost one property read; without a recording
// span the message goes out untouched.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace, type Span } from '@opentelemetry/api';
import type { HeaderValue, OutgoingMessage } from '../port.ts';

const tracer = trace.getTracer('mcpg-bus');

type Headers = NonNullable<OutgoingMessage['headers']>;
const text = (v: HeaderValue | readonly HeaderValue[] | undefined): string | undefined => {
  const one = Array.isArray(v) ? (v as readonly HeaderValue[]).at(-1) : (v as HeaderValue | undefined);
  return one === undefined ? undefined : one.toString();
};
const getter = {
  get: (carrier: Headers, key: string) => text(carrier[key]),
  keys: (carrier: Headers) => Object.keys(carrier),
};
const setter = {
  set: (carrier: Record<string, HeaderValue | readonly HeaderValue[]>, key: string, value: string) => {
    carrier[key] = value;
  },
};

export interface SendSpans {
  /** The messages to send: the same array when no span records. */
  readonly messages: readonly OutgoingMessage[];
  end(error?: unknown): void;
}

const NONE: Omit<SendSpans, 'messages'> = { end: () => undefined };

export function startSendSpans(topic: string, messages: readonly OutgoingMessage[]): SendSpans {
  let spans: Span[] | undefined;
  let out: OutgoingMessage[] | undefined;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (!m.headers?.traceparent) continue;
    const parent = propagation.extract(ROOT_CONTEXT, m.headers, getter);
    const span = tracer.startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': topic,
          'messaging.message.body.size': m.value?.length ?? 0,
        },
      },
      parent,
    );
    if (!span.isRecording()) continue;
    const headers: Record<string, HeaderValue | readonly HeaderValue[]> = { ...m.headers };
    delete headers.tracestate;
    propagation.inject(trace.setSpan(parent, span), headers, setter);
    out ??= messages.slice();
    out[i] = { ...m, headers };
    (spans ??= []).push(span);
  }
  if (!spans) return { messages, ...NONE };
  const started = spans;
  return {
    messages: out!,
    end(error?: unknown) {
      for (const s of started) {
        if (error !== undefined) {
          s.setAttribute('error.type', (error as { code?: string }).code ?? 'send_failed');
          s.setStatus({ code: SpanStatusCode.ERROR });
        }
        s.end();
      }
    },
  };
}
