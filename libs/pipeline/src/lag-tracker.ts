// Ingest lag: how long after a message was produced to the log it was stored
// (queryable). Keeps the most recent lags in a ring so p50/p99 describe
// current traffic, not the whole run.

export class LagTracker {
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;
  // The ring sorted, until the next record(): a scrape asks for several
  // quantiles, and each used to copy and sort all 65,536 lags through a JS
  // comparator (9% of a draining worker's thread with /metrics read every
  // 100 ms, bench/ingest-peer.ts).
  private sorted: Float64Array | undefined;
  /** Newest produce time stored, epoch ms. */
  lastProducedAt = 0;
  lastStoredAt = 0;

  constructor(size = 65_536) {
    this.ring = new Float64Array(size);
  }

  record(producedAt: readonly number[], storedAt: number): void {
    for (const t of producedAt) {
      this.ring[this.next] = storedAt - t;
      this.next = (this.next + 1) % this.ring.length;
      if (this.filled < this.ring.length) this.filled++;
      if (t > this.lastProducedAt) this.lastProducedAt = t;
    }
    this.lastStoredAt = storedAt;
    this.sorted = undefined;
  }

  /** Quantile of recent lags in milliseconds, or NaN before any row. */
  quantile(q: number): number {
    if (!this.filled) return NaN;
    // A typed array sorts numerically, natively.
    const sorted = (this.sorted ??= this.ring.slice(0, this.filled).sort());
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  }
}
