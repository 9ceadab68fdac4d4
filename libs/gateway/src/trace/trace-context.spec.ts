import { test } from 'node:test';
import assert from 'node:assert/strict';
import { continueTrace, formatTraceparent, parseTraceparent } from './trace-context.ts';

test('the caller trace is continued with a span of the gateway; the header wins over _meta', () => {
  const t = continueTrace(['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`], 'vendor=x');
  assert.equal(t.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(t.parentSpanId, '00f067aa0ba902b7');
  assert.notEqual(t.spanId, '00f067aa0ba902b7');
  assert.equal(t.tracestate, 'vendor=x');
  assert.equal(formatTraceparent(t), `00-4bf92f3577b34da6a3ce929d0e0e4736-${t.spanId}-01`);
});

test('invalid or missing context starts a new trace', () => {
  for (const bad of [undefined, 42, 'garbage', `00-${'0'.repeat(32)}-${'b'.repeat(16)}-01`, `00-${'a'.repeat(32)}-${'0'.repeat(16)}-01`]) {
    assert.equal(parseTraceparent(bad), null, String(bad));
  }
  const t = continueTrace([undefined, 'nope']);
  assert.match(t.traceId, /^[0-9a-f]{32}$/);
  assert.equal(t.parentSpanId, null);
  assert.notEqual(continueTrace([]).traceId, t.traceId);
});
