// Ingest lag: how long after a gateway emitted an event it became queryable.
// Keeps the last rows' lags in a ring so p50/p99 reflect recent traffic.

export class LagTracker {
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;
  /** Newest event time stored, epoch ms. */
  lastEventTime = 0;
  lastStoredAt = 0;

  constructor(size = 65_536) {
    this.ring = new Float64Array(size);
  }

  record(rows: readonly { emitted_at: number }[], storedAt: number): void {
    for (const r of rows) {
      this.ring[this.next] = storedAt - r.emitted_at;
      this.next = (this.next + 1) % this.ring.length;
      if (this.filled < this.ring.length) this.filled++;
      if (r.emitted_at > this.lastEventTime) this.lastEventTime = r.emitted_at;
    }
    this.lastStoredAt = storedAt;
  }

  /** Quantile of recent lags in milliseconds, or NaN before any row. */
  quantile(q: number): number {
    if (!this.filled) return NaN;
    const sorted = Array.from(this.ring.subarray(0, this.filled)).sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  }
}
