import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { contextFromHeaders, traceHeaders } from './trace-headers.ts';
import { startTracing } from './tracing.ts';

test('traceparent written by a producer lets the consumer continue the same trace', async () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ serviceName: 'test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = trace.getTracer('test');
  let headers: Record<string, string> = {};
  tracer.startActiveSpan('produce', (span) => {
    headers = traceHeaders();
    span.end();
  });
  assert.match(headers.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

  // The consumer side only has the headers.
  const consume = tracer.startSpan('consume', {}, contextFromHeaders(headers));
  consume.end();

  const [produced, consumed] = exporter.getFinishedSpans();
  await tracing.shutdown();
  assert.ok(produced && consumed);
  assert.equal(consumed.spanContext().traceId, produced.spanContext().traceId);
  assert.equal(consumed.parentSpanContext?.spanId, produced.spanContext().spanId);
});

test('no active span, no header', () => {
  assert.deepEqual(traceHeaders(), {});
});
