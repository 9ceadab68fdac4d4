// One exporter generation for SwitchableSpanProcessor: a BatchSpanProcessor
// over the exporter, with the exporter's shutdown held until every export it
// was given has answered. The SDK's BatchSpanProcessor does not wait for an
// export its timer started when it is flushed or shut down, and an exporter
// that shuts down under it (the OTLP ones wait; others need not) would drop
// that batch: here the retirement of a generation resolves only after its
// last batch is answered, whatever the exporter.
import type { ExportResult } from '@opentelemetry/core';
import { BatchSpanProcessor, type BufferConfig, type ReadableSpan, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export class DrainingExporter implements SpanExporter {
  readonly #pending = new Set<Promise<void>>();
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    let answered!: () => void;
    const pending = new Promise<void>((resolve) => (answered = resolve));
    this.#pending.add(pending);
    this.inner.export(spans, (result) => {
      this.#pending.delete(pending);
      answered();
      done(result);
    });
  }

  async forceFlush(): Promise<void> {
    await Promise.all([...this.#pending, this.inner.forceFlush?.()]);
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.#pending]);
    await this.inner.shutdown();
  }
}

/** A flush also waits for the exports already under way, so "flushed" means answered. */
export function spanGeneration(exporter: SpanExporter, config?: BufferConfig): SpanProcessor {
  const draining = new DrainingExporter(exporter);
  const batch = new BatchSpanProcessor(draining, config);
  return {
    onStart: (span, parentContext) => batch.onStart(span, parentContext),
    onEnd: (span) => batch.onEnd(span),
    async forceFlush() {
      await batch.forceFlush();
      await draining.forceFlush();
    },
    shutdown: () => batch.shutdown(),
  };
}
