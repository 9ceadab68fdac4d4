import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Server, ServerCredentials, type Metadata } from '@grpc/grpc-js';
import { trace } from '@opentelemetry/api';
import { startTracing } from './tracing.ts';

/** An OTLP/gRPC TraceService that keeps the raw requests and their metadata. */
async function startGrpcReceiver() {
  const got: { body: Buffer; metadata: Metadata }[] = [];
  const server = new Server();
  const raw = (b: Buffer) => b;
  server.addService(
    {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    {
      Export: (call: { request: Buffer; metadata: Metadata }, done: (e: null, r: Buffer) => void) => {
        got.push({ body: call.request, metadata: call.metadata });
        done(null, Buffer.alloc(0)); // an empty ExportTraceServiceResponse
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  return { got, url: `http://127.0.0.1:${port}`, stop: () => server.forceShutdown() };
}

test('OTLP over gRPC: spans reach a TraceService with the configured headers as metadata', async () => {
  const receiver = await startGrpcReceiver();
  const tracing = startTracing({ serviceName: 'grpc-test' });
  try {
    const view = await tracing.configure({ protocol: 'grpc', endpoint: receiver.url, headers: { 'X-Tenant': 'tenant-7' } });
    assert.equal(view.protocol, 'grpc');
    trace.getTracer('t').startSpan('span-over-grpc').end();
    await tracing.forceFlush();
    assert.equal(receiver.got.length, 1);
    assert.deepEqual(receiver.got[0]!.metadata.get('x-tenant'), ['tenant-7']);
    assert.ok(receiver.got[0]!.body.includes(Buffer.from('span-over-grpc')), 'the span is in the request');
  } finally {
    await tracing.shutdown();
    receiver.stop();
  }
});
