// Tracing for consumed batches: one CONSUMER span per batch, linked to the
// producers' spans through the `traceparent` headers the messages carry (a
// batch mixes many traces, so links, not a parent, per the messaging
// semantic conventions). Only @opentelemetry/api: without an SDK this is a no-op.
import { ROOT_CONTEXT, SpanKind, propagation, trace, type Link, type Span } from '@opentelemetry/api';
import type { MessageBatch } from './bus-port.ts';

const tracer = trace.getTracer('mcpg-pipeline');
/** Links per span are bounded: a 10k-message batch must not carry 10k links. */
const MAX_LINKS = 128;

const getter = {
  get: (carrier: Readonly<Record<string, string>>, key: string) => carrier[key],
  keys: (carrier: Readonly<Record<string, string>>) => Object.keys(carrier),
};

export function startBatchSpan(consumer: string, batch: MessageBatch): Span {
  const links: Link[] = [];
  for (const m of batch.messages) {
    if (links.length >= MAX_LINKS) break;
    if (!m.headers.traceparent) continue;
    const ctx = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, m.headers, getter));
    if (ctx) links.push({ context: ctx });
  }
  return tracer.startSpan(`process ${batch.topic}`, {
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
  });
}

export function startWriteSpan(consumer: string, rows: number, messages: number): Span {
  return tracer.startSpan(`${consumer} write`, {
    kind: SpanKind.INTERNAL,
    attributes: { 'mcpg.rows': rows, 'messaging.batch.message_count': messages },
  });
}
