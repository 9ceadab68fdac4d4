// Output buffers kept for the next render. A fleet exposition is several
// megabytes; a fresh buffer that size is fresh pages from the kernel, and
// their page faults were most of the render time (10k label sets × 6 series
// with a collection before each render: p50 28 ms with a fresh buffer,
// 14 ms reusing one).

export class BufferPool {
  readonly #free: Buffer[] = [];

  /** `maxBuffers`: how many idle buffers to keep (about the number of concurrent scrapes). */
  constructor(readonly maxBuffers = 2) {}

  /** An idle buffer, or undefined when there is none. */
  take(): Buffer | undefined {
    return this.#free.pop();
  }

  /**
   * Returns a buffer for reuse. Only once nothing reads it any more: for an
   * HTTP response, after the response has finished or closed.
   */
  give(buf: Buffer): void {
    if (this.#free.length < this.maxBuffers && !this.#free.includes(buf)) this.#free.push(buf);
  }
}
