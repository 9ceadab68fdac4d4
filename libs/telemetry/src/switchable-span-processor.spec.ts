import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { spanGeneration } from './span-generation.ts';
import { SwitchableSpanProcessor } from './switchable-span-processor.ts';
import { startTracing } from './tracing.ts';
import { TelemetryError } from './telemetry-errors.ts';

/**
 * An exporter that answers after a random delay, like a real backend, and
 * keeps what it got; unlike the OTLP exporters its shutdown does not wait for
 * answers still due (spanGeneration must).
 */
class SlowExporter implements SpanExporter {
  readonly got: string[] = [];
  shut = false;
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    if (this.shut) return done({ code: ExportResultCode.FAILED });
    setTimeout(() => {
      for (const s of spans) this.got.push(s.spanContext().spanId);
      done({ code: ExportResultCode.SUCCESS });
    }, Math.random() * 5);
  }
  async shutdown(): Promise<void> {
    this.shut = true;
  }
}

test('switching exporters while spans end, many times and concurrently: every span exported exactly once', async () => {
  const switchable = new SwitchableSpanProcessor();
  const provider = new BasicTracerProvider({ spanProcessors: [switchable] });
  const tracer = provider.getTracer('t');
  const exporters: SlowExporter[] = [];
  const generation = () => {
    const e = new SlowExporter();
    exporters.push(e);
    return spanGeneration(e, { maxExportBatchSize: 7, scheduledDelayMillis: 1 });
  };
  await switchable.swap(generation());

  const ended: string[] = [];
  const swaps: Promise<void>[] = [];
  // 40 rounds: spans end between and during swaps that are not awaited.
  for (let round = 0; round < 40; round++) {
    for (let i = 0; i < 25; i++) {
      const span = tracer.startSpan(`s${round}.${i}`);
      ended.push(span.spanContext().spanId);
      span.end();
      if (i === 12) swaps.push(switchable.swap(generation()));
    }
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(swaps);
  await switchable.shutdown();

  const exported = exporters.flatMap((e) => e.got);
  assert.equal(exporters.length, 41);
  assert.equal(exported.length, ended.length, 'none lost');
  assert.equal(new Set(exported).size, exported.length, 'none twice');
  assert.deepEqual(new Set(exported), new Set(ended));
  assert.ok(exporters.every((e) => e.shut), 'every old generation is shut down');
});

test('switching to none drops spans from then on; a span that ended before still goes out', async () => {
  const switchable = new SwitchableSpanProcessor();
  const tracer = new BasicTracerProvider({ spanProcessors: [switchable] }).getTracer('t');
  const e = new SlowExporter();
  await switchable.swap(spanGeneration(e, { scheduledDelayMillis: 10_000 }));
  const kept = tracer.startSpan('kept');
  kept.end();
  await switchable.swap(null);
  assert.equal(switchable.exporting, false);
  tracer.startSpan('dropped').end();
  await switchable.shutdown();
  assert.deepEqual(e.got, [kept.spanContext().spanId]);
});

test('a refused configuration leaves the running one in place', async () => {
  const tracing = startTracing({ serviceName: 't', config: { preset: 'custom', protocol: 'http/protobuf', endpoint: 'http://127.0.0.1:9/v1/traces', headers: { 'x-k': 'v' }, sampleRate: 0.5 } });
  try {
    const before = tracing.current();
    await assert.rejects(tracing.configure({ endpoint: 'http://127.0.0.1:9/v1/traces', headers: { 'x-k': 'a\nb' } }), (e: unknown) => e instanceof TelemetryError);
    await assert.rejects(tracing.configure({ preset: 'new-relic' }), /needs header api-key/);
    assert.deepEqual(tracing.current(), before);
    assert.deepEqual(before, { exporting: true, preset: 'custom', protocol: 'http/protobuf', endpoint: 'http://127.0.0.1:9/v1/traces', headers: { 'x-k': '***' }, sampleRate: 0.5 });
    const off = await tracing.configure({});
    assert.equal(off.exporting, false);
  } finally {
    await tracing.shutdown();
  }
});
