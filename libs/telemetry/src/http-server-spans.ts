// A SERVER span per HTTP request of a fastify app, from two hooks instead of
// an auto-instrumentation package: the route template is known here (the
// http instrumentation sees only raw URLs), nothing patches node:http under
// the gateway's latency budget, and the attributes are exactly these.
// The caller's traceparent is continued; handlers run inside the span, so the
// store's ClickHouse spans are its children. Only the path is recorded: a
// query string may carry tokens.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

const tracer = trace.getTracer('mcpg-http');

const getter = {
  get: (carrier: FastifyRequest['headers'], key: string) => {
    const v = carrier[key];
    return Array.isArray(v) ? v[0] : v;
  },
  keys: (carrier: FastifyRequest['headers']) => Object.keys(carrier),
};

export function installHttpServerSpans(app: FastifyInstance): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const route = request.routeOptions.url;
    const parent = propagation.extract(ROOT_CONTEXT, request.headers, getter);
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?', 1)[0]!,
          'url.scheme': request.protocol,
          ...(route ? { 'http.route': route } : {}),
        },
      },
      parent,
    );
    spans.set(request, span);
    // The rest of the request (hooks, handler) runs in the span's context.
    context.with(trace.setSpan(parent, span), done);
  });
  const end = (request: FastifyRequest, status: number | null) => {
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    if (status !== null) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    } else {
      span.setAttribute('error.type', 'aborted');
    }
    span.end();
  };
  app.addHook('onResponse', (request, reply, done) => {
    end(request, reply.statusCode);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    end(request, null);
    done();
  });
}
