// Starts the OpenTelemetry SDK for an app. Libraries only use
// @opentelemetry/api; this is called once from an app's main. The exporter
// and sample rate can be replaced at runtime (`configure`, used by the
// watched config file and the admin endpoint) without a restart and without
// losing or repeating a span (see switchable-span-processor.ts).
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describeTracingConfig, resolveTracingConfig, TRACING_OFF, type TracingConfig, type TracingConfigView } from './exporter-config.ts';
import { createOtlpExporter } from './otlp-exporter.ts';
import { spanGeneration } from './span-generation.ts';
import { SwitchableSampler } from './switchable-sampler.ts';
import { SwitchableSpanProcessor } from './switchable-span-processor.ts';
import { TelemetryError } from './telemetry-errors.ts';

export interface TracingOptions {
  readonly serviceName: string;
  /** Where spans go at start (checked like any later change); default: export off. */
  readonly config?: TracingConfig;
  /**
   * Extra processors, e.g. an in-memory exporter in tests. They see every
   * span the sampler records, whatever the exporter.
   */
  readonly spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  /**
   * Checks `raw` (throws a TelemetryError naming the problem and keeps the
   * running exporter), then switches to it: spans that end from the call on
   * go to the new exporter. Resolves once the old exporter has sent what it
   * held.
   */
  configure(raw: unknown): Promise<TracingConfigView>;
  /** The same, for a configuration already checked. */
  apply(config: TracingConfig): Promise<TracingConfigView>;
  /** The running configuration, secrets masked. */
  current(): TracingConfigView;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** Spans queued per generation before new ones are dropped (the SDK default is 2048). */
const MAX_QUEUE = 8192;

export function startTracing(opts: TracingOptions): Tracing {
  const sampler = new SwitchableSampler();
  const switchable = new SwitchableSpanProcessor();
  const extra = opts.spanProcessors ?? [];
  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    autoDetectResources: false,
    spanProcessors: [switchable, ...extra],
    sampler,
    instrumentations: [],
  });
  sdk.start();

  let config: TracingConfig = TRACING_OFF;
  let stopped = false;

  // Synchronous up to the swap, so changes apply in the order they are asked
  // for and the sampler and the exporter change together.
  const apply = async (next: TracingConfig): Promise<TracingConfigView> => {
    if (stopped) throw new TelemetryError('TRACING_SHUT_DOWN', 'tracing is shut down');
    // Built before anything changes: an exporter that cannot be made leaves the old one in place.
    const processor = next.endpoint === null ? null : spanGeneration(createOtlpExporter({ ...next, endpoint: next.endpoint }), { maxQueueSize: MAX_QUEUE });
    // With extra processors (tests) spans are recorded even without an exporter.
    sampler.set(next.endpoint === null && extra.length === 0 ? null : next.sampleRate);
    config = next;
    await switchable.swap(processor);
    return describeTracingConfig(next);
  };

  void apply(opts.config ?? TRACING_OFF);
  return {
    configure: async (raw) => apply(resolveTracingConfig(raw)),
    apply,
    current: () => describeTracingConfig(config),
    forceFlush: () => switchable.forceFlush(),
    async shutdown() {
      if (stopped) return;
      stopped = true;
      await sdk.shutdown();
    },
  };
}
