import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { installHttpServerSpans } from './http-server-spans.ts';
import { startTracing } from './tracing.ts';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ serviceName: 'test', spanProcessors: [new SimpleSpanProcessor(exporter)] });
after(() => tracing.shutdown());

test('a request is a SERVER span named by its route, continuing the caller, with the handler\'s spans under it', async () => {
  const app = Fastify();
  installHttpServerSpans(app);
  app.get('/v1/orgs/:org/things', async () => {
    // Like a store query in a handler: after an await, still in the request's span.
    await new Promise((r) => setTimeout(r, 1));
    trace.getTracer('t').startSpan('query').end();
    return { ok: true };
  });
  app.get('/boom', async () => {
    throw new Error('no');
  });
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const res = await app.inject({ method: 'GET', url: '/v1/orgs/acme/things?token=s3cret', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
  assert.equal(res.statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: '/boom' })).statusCode, 500);
  await app.close();

  const spans = exporter.getFinishedSpans();
  const server = spans.find((s) => s.name === 'GET /v1/orgs/:org/things')!;
  assert.equal(server.kind, SpanKind.SERVER);
  assert.equal(server.spanContext().traceId, traceId);
  assert.equal(server.parentSpanContext?.spanId, '00f067aa0ba902b7');
  assert.deepEqual(
    { ...server.attributes },
    { 'http.request.method': 'GET', 'url.path': '/v1/orgs/acme/things', 'url.scheme': 'http', 'http.route': '/v1/orgs/:org/things', 'http.response.status_code': 200 },
  );
  assert.ok(!JSON.stringify(server.attributes).includes('s3cret'), 'no query string');
  const query = spans.find((s) => s.name === 'query')!;
  assert.equal(query.parentSpanContext?.spanId, server.spanContext().spanId);
  const boom = spans.find((s) => s.name === 'GET /boom')!;
  assert.equal(boom.status.code, SpanStatusCode.ERROR);
  assert.equal(boom.attributes['http.response.status_code'], 500);
});
