// Starts the OpenTelemetry SDK for an app. Libraries only use
// @opentelemetry/api; this is called once from an app's main.
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';

export interface TracingOptions {
  readonly serviceName: string;
  /** OTLP/HTTP traces endpoint; empty means no exporter (spans are still created for context propagation). */
  readonly otlpEndpoint?: string;
  readonly sampleRate?: number;
  /** Extra processors, e.g. an in-memory exporter in tests. */
  readonly spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  shutdown(): Promise<void>;
}

export function startTracing(opts: TracingOptions): Tracing {
  const processors: SpanProcessor[] = [...(opts.spanProcessors ?? [])];
  if (opts.otlpEndpoint) processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: opts.otlpEndpoint })));
  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    autoDetectResources: false,
    spanProcessors: processors,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.sampleRate ?? 1) }),
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
