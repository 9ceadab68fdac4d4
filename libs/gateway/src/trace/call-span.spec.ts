import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing } from '@mcpg/telemetry';
import { endCallSpan, startCallSpan } from './call-span.ts';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('without an SDK the call still continues the caller with a span id of its own', () => {
  const { span, trace } = startCallSpan('fx__echo', 1, 'http', [CALLER], 'k=v');
  assert.equal(span.isRecording(), false);
  assert.equal(trace.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(trace.parentSpanId, '00f067aa0ba902b7');
  assert.notEqual(trace.spanId, '00f067aa0ba902b7');
  assert.equal(trace.flags, '01');
  assert.equal(trace.tracestate, 'k=v');
  endCallSpan(span, 'fx', null);
});

test('with the SDK the trace context is the exported SERVER span; an unsampled caller stays unsampled', async () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ serviceName: 'gw', spanProcessors: [new SimpleSpanProcessor(exporter)] });
  try {
    const { span, trace } = startCallSpan('fx__echo', 'req-7', 'stdio', [undefined, CALLER], null);
    endCallSpan(span, 'fx', 'UPSTREAM_TIMEOUT');
    const [done] = exporter.getFinishedSpans();
    assert.ok(done);
    assert.equal(done.name, 'tools/call fx__echo');
    assert.equal(done.kind, SpanKind.SERVER);
    assert.equal(done.spanContext().spanId, trace.spanId, 'the id the upstream and the events get is the exported span');
    assert.equal(done.parentSpanContext?.spanId, '00f067aa0ba902b7');
    assert.deepEqual(
      { ...done.attributes },
      {
        'mcp.method.name': 'tools/call',
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'fx__echo',
        'jsonrpc.request.id': 'req-7',
        'network.transport': 'pipe',
        'mcpg.upstream': 'fx',
        'error.type': 'UPSTREAM_TIMEOUT',
      },
    );
    assert.equal(done.status.code, SpanStatusCode.ERROR);

    const unsampled = startCallSpan('fx__echo', 2, 'http', [CALLER.replace(/-01$/, '-00')], null);
    assert.equal(unsampled.span.isRecording(), false);
    assert.equal(unsampled.trace.flags, '00', 'the caller\'s decision goes on');
    const root = startCallSpan('fx__echo', 3, 'http', [], null);
    assert.equal(root.trace.parentSpanId, null);
    assert.equal(root.trace.spanId, root.span.spanContext().spanId);

    // A client's made-up tool name and request id of any length reach the span bounded.
    const hostile = startCallSpan(`nosuch__${'x'.repeat(100_000)}`, 'r'.repeat(100_000), 'http', [], null);
    endCallSpan(hostile.span, '__unknown__', 'UNKNOWN_TOOL');
    const long = exporter.getFinishedSpans().at(-1)!;
    assert.ok(long.name.length <= 300, `span name of ${long.name.length} characters`);
    assert.ok(String(long.attributes['gen_ai.tool.name']).length <= 257 && String(long.attributes['jsonrpc.request.id']).length <= 257);
  } finally {
    await tracing.shutdown();
  }
});
