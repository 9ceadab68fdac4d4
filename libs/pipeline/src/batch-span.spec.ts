import { test } from 'node:test';
import assert from 'node:assert/strict';
import { propagation, trace, SpanKind } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startBatchSpan } from './batch-span.ts';
import type { IncomingMessage } from './bus-port.ts';

test('a consumed batch is one CONSUMER span: child of the first producer span, linked to the other traces', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const traces = ['4bf92f3577b34da6a3ce929d0e0e4736', '0af7651916cd43dd8448eb211c80319c'];
  const msg = (i: number, headers: Record<string, string>): IncomingMessage => ({
    topic: 'mcpg.calls.v1',
    partition: 2,
    offset: String(i),
    key: 'acme',
    value: Buffer.alloc(0),
    headers,
    timestamp: 0,
    raw: { key: Buffer.from('acme'), value: Buffer.alloc(0), headers: {} },
  });
  const span = startBatchSpan('rollup-worker', {
    topic: 'mcpg.calls.v1',
    partition: 2,
    highWatermark: '3',
    messages: [
      msg(0, { traceparent: `00-${traces[0]}-00f067aa0ba902b7-01` }),
      msg(1, {}),
      msg(2, { traceparent: `00-${traces[1]}-b7ad6b7169203331-01` }),
    ],
  });
  span.end();
  const [done] = exporter.getFinishedSpans();
  assert.ok(done);
  assert.equal(done.kind, SpanKind.CONSUMER);
  assert.equal(done.name, 'process mcpg.calls.v1');
  assert.equal(done.spanContext().traceId, traces[0], 'in the first message\'s trace');
  assert.equal(done.parentSpanContext?.spanId, '00f067aa0ba902b7', 'its producer span is the parent');
  assert.deepEqual(
    done.links.map((l) => l.context.traceId),
    [traces[1]],
  );
  assert.equal(done.attributes['messaging.batch.message_count'], 3);
  assert.equal(done.attributes['messaging.destination.partition.id'], '2');
  trace.disable();
  propagation.disable();
});
