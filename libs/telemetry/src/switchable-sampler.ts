// The SDK takes one sampler at start; the sample rate is part of the runtime
// configuration, so the SDK gets this one and the rate lives behind it.
// Parent-based: a call whose caller sampled it is sampled, so a trace is
// whole or absent; the rate applies where a trace starts. With export off,
// nothing is recorded at all (the cheapest path: no span data is kept).
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';

export class SwitchableSampler implements Sampler {
  #delegate: Sampler = new AlwaysOffSampler();

  /** `rate` of the traces that start here; null: record nothing (export is off). */
  set(rate: number | null): void {
    this.#delegate = rate === null ? new AlwaysOffSampler() : new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(rate) });
  }

  shouldSample(context: Context, traceId: string, spanName: string, spanKind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    return this.#delegate.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `Switchable{${this.#delegate.toString()}}`;
  }
}
