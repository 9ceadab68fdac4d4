// Restart delays for an upstream: doubling from `initialDelayMs` up to
// `maxDelayMs`; a connection that stayed up for `maxDelayMs` counts as
// healthy again and the next restart starts from the initial delay.

export class Backoff {
  #attempt = 0;
  #upSince: number | null = null;

  constructor(
    readonly initialDelayMs: number,
    readonly maxDelayMs: number,
    readonly now: () => number = Date.now,
  ) {}

  connected(): void {
    this.#upSince = this.now();
  }

  /** The delay before the next attempt. */
  next(): number {
    if (this.#upSince !== null && this.now() - this.#upSince >= this.maxDelayMs) this.#attempt = 0;
    this.#upSince = null;
    const delay = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    return delay;
  }
}
