// A span processor whose exporter can be replaced while spans keep ending.
// Each configuration is one generation (span-generation.ts): its own
// BatchSpanProcessor and exporter. A span goes to the generation that is
// current when it ends (onEnd is synchronous, and the swap is one assignment
// on the same thread),
// so every span lands in exactly one generation. The old generation is then
// flushed and shut down: what it had queued is still exported, to the old
// backend, and nothing is sent to both.
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export class SwitchableSpanProcessor implements SpanProcessor {
  #current: SpanProcessor | null;
  /** Retirements still running; shutdown waits for them. */
  readonly #retiring = new Set<Promise<void>>();
  #shutDown = false;

  constructor(initial: SpanProcessor | null = null) {
    this.#current = initial;
  }

  get exporting(): boolean {
    return this.#current !== null;
  }

  onStart(span: Span, parentContext: Context): void {
    this.#current?.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.#current?.onEnd(span);
  }

  /**
   * Routes spans that end from now on to `next` (null: drop them), then
   * flushes and shuts down the previous generation. Resolves when the
   * previous generation has exported what it held (or given up on it).
   */
  async swap(next: SpanProcessor | null): Promise<void> {
    if (this.#shutDown) {
      await next?.shutdown();
      return;
    }
    const old = this.#current;
    this.#current = next;
    if (old) await this.#retire(old);
  }

  #retire(old: SpanProcessor): Promise<void> {
    const done = old
      .forceFlush()
      .catch(() => undefined)
      .then(() => old.shutdown())
      .catch(() => undefined)
      .finally(() => this.#retiring.delete(done));
    this.#retiring.add(done);
    return done;
  }

  async forceFlush(): Promise<void> {
    await Promise.all([this.#current?.forceFlush(), ...this.#retiring]);
  }

  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    const last = this.#current;
    this.#current = null;
    this.#shutDown = true;
    if (last) await this.#retire(last);
    await Promise.all([...this.#retiring]);
  }
}
