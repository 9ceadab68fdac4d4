// Builds the span exporter for a checked configuration: OTLP over HTTP with
// protobuf bodies, or OTLP over gRPC (headers as metadata).
import { Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './exporter-config.ts';

const TIMEOUT_MS = 10_000;

export function createOtlpExporter(c: TracingConfig & { endpoint: string }): SpanExporter {
  if (c.protocol === 'grpc') {
    const metadata = new Metadata();
    for (const [k, v] of Object.entries(c.headers)) metadata.set(k.toLowerCase(), v);
    return new GrpcTraceExporter({ url: c.endpoint, metadata, timeoutMillis: TIMEOUT_MS });
  }
  return new ProtoTraceExporter({ url: c.endpoint, headers: { ...c.headers }, timeoutMillis: TIMEOUT_MS });
}
