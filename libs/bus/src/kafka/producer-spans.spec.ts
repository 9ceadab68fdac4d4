import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '@mcpg/telemetry';
import { startSendSpans } from './producer-spans.ts';

const traced = { key: 'acme', value: Buffer.from('x'), headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', tracestate: 'k=v' } };
const plain = { key: 'acme', value: Buffer.from('y'), headers: {} };

test('without an SDK messages go out as they are', () => {
  const messages = [traced, plain];
  const sent = startSendSpans('mcpg.calls.v1', messages);
  assert.equal(sent.messages, messages);
  sent.end();
});

test('a traced message gets a PRODUCER span under its traceparent, and the header names that span', async () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ serviceName: 'bus', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  try {
    const sent = startSendSpans('mcpg.calls.v1', [traced, plain]);
    sent.end(Object.assign(new Error('x'), { code: 'TOPIC_NOT_FOUND' }));
    const [span] = exporter.getFinishedSpans();
    assert.ok(span);
    assert.equal(exporter.getFinishedSpans().length, 1, 'no span for the message without a trace');
    assert.equal(span.name, 'send mcpg.calls.v1');
    assert.equal(span.kind, SpanKind.PRODUCER);
    assert.equal(span.parentSpanContext?.spanId, '00f067aa0ba902b7');
    assert.equal(span.attributes['messaging.system'], 'kafka');
    assert.equal(span.attributes['messaging.destination.name'], 'mcpg.calls.v1');
    assert.equal(span.attributes['error.type'], 'TOPIC_NOT_FOUND');
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.equal(sent.messages[0]!.headers!.traceparent, `00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-01`);
    assert.equal(sent.messages[0]!.headers!.tracestate, 'k=v');
    assert.equal(sent.messages[1], plain);
    assert.equal(traced.headers.traceparent.split('-')[2], '00f067aa0ba902b7', 'the caller\'s message object is not changed');
  } finally {
    await tracing.shutdown();
  }
});
