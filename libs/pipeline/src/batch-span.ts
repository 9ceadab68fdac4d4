// Tracing for consumed batches. One CONSUMER span per batch (a span per
// message would cost more than the fold itself at 10k-message batches), and
// one span per store write. A batch mixes many traces, so it cannot be the
// child of all of them: its span is the child of the first message whose
// producer span was sampled, and links to the others' (bounded). A call
// consumed on its own, the common case at low rates and what an operator
// follows when debugging one call, so gets a real chain: producer span →
// process span → write span → ClickHouse insert span, one trace; in a busy
// batch the other traces reach it through the links. The write span does the
// same over the process spans of the batches it writes. Only
// @opentelemetry/api: without an SDK this is a no-op.
import { ROOT_CONTEXT, SpanKind, TraceFlags, propagation, trace, type Link, type Span, type SpanContext } from '@opentelemetry/api';
import type { MessageBatch } from './bus-port.ts';

const tracer = trace.getTracer('mcpg-pipeline');
/** Links per span are bounded: a 10k-message batch must not carry 10k links. */
export const MAX_LINKS = 128;

const getter = {
  get: (carrier: Readonly<Record<string, string>>, key: string) => carrier[key],
  keys: (carrier: Readonly<Record<string, string>>) => Object.keys(carrier),
};

const sampled = (c: SpanContext) => (c.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;

/** The first sampled context becomes the parent, the rest links. */
function parentAndLinks(contexts: readonly SpanContext[]): { parent: SpanContext | undefined; links: Link[] } {
  const i = contexts.findIndex(sampled);
  const parent = i >= 0 ? contexts[i] : undefined;
  const links: Link[] = [];
  for (let j = 0; j < contexts.length && links.length < MAX_LINKS; j++) if (j !== i) links.push({ context: contexts[j]! });
  return { parent, links };
}

export function startBatchSpan(consumer: string, batch: MessageBatch): Span {
  const contexts: SpanContext[] = [];
  for (const m of batch.messages) {
    if (contexts.length > MAX_LINKS) break;
    if (!m.headers.traceparent) continue;
    const ctx = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, m.headers, getter));
    if (ctx) contexts.push(ctx);
  }
  const { parent, links } = parentAndLinks(contexts);
  return tracer.startSpan(
    `process ${batch.topic}`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': batch.topic,
        'messaging.destination.partition.id': String(batch.partition),
        'messaging.consumer.group.name': consumer,
        'messaging.batch.message_count': batch.messages.length,
      },
    },
    parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
  );
}

/** `batches`: the process spans of the batches whose rows this write stores. */
export function startWriteSpan(consumer: string, rows: number, messages: number, batches: readonly SpanContext[]): Span {
  const { parent, links } = parentAndLinks(batches);
  return tracer.startSpan(
    `${consumer} write`,
    { kind: SpanKind.INTERNAL, links, attributes: { 'mcpg.rows': rows, 'messaging.batch.message_count': messages } },
    parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
  );
}
