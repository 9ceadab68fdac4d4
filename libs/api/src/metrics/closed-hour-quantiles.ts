// granularity=hour's latency quantiles: those of the last closed UTC hour per
// label set, merged by the engine once and kept in memory, not merged again
// on every scrape (a 10,000-label-set hour is ~440k centroids: 60-70 ms of
// engine time alone, against a 60 ms budget for the whole scrape).
//
// Kept per API process, not stored: every replica (and a restarted one)
// merges an org's hour once, on its first scrape of it, which costs what
// each scrape used to cost. Late calls still land in a closed hour (a spool
// drained after an outage, a lagging partition), so each scrape first asks
// the engine for the hour's fingerprint (its row count and calls under
// FINAL, one small read) and merges again when it moved: an answer is always
// that of the hour's digests as stored when the scrape began.
import { HOUR_MS, queryHourFingerprint, queryHourQuantiles, type Store, type WindowQuantiles } from '@mcpg/store';

interface Entry {
  readonly hourMs: number;
  readonly fingerprint: string;
  readonly quantiles: readonly WindowQuantiles[];
}

export interface ClosedHourQuantilesOptions {
  readonly now: () => number;
  /** Label sets kept over all orgs (least recently scraped orgs go first); a few hundred bytes each. */
  readonly maxLabelSets?: number;
}

export class ClosedHourQuantiles {
  // Map order is recency: an org is moved to the end when scraped.
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Promise<readonly WindowQuantiles[]>>();
  private labelSets = 0;
  private readonly maxLabelSets: number;

  constructor(
    private readonly store: Store,
    private readonly opts: ClosedHourQuantilesOptions,
  ) {
    this.maxLabelSets = opts.maxLabelSets ?? 500_000;
  }

  /** The start (epoch ms) of the last closed UTC hour at `nowMs`. */
  static lastClosedHour(nowMs: number): number {
    return Math.floor(nowMs / HOUR_MS) * HOUR_MS - HOUR_MS;
  }

  /** The org's quantiles per label set over the last closed hour; label sets without calls in it are absent. */
  get(org: string): Promise<readonly WindowQuantiles[]> {
    const hourMs = ClosedHourQuantiles.lastClosedHour(this.opts.now());
    // Scrapes of the same org and hour that arrive together share one check.
    const key = `${org}\n${hourMs}`;
    let flight = this.flights.get(key);
    if (!flight) {
      flight = this.refresh(org, hourMs).finally(() => this.flights.delete(key));
      this.flights.set(key, flight);
    }
    return flight;
  }

  private async refresh(org: string, hourMs: number): Promise<readonly WindowQuantiles[]> {
    // The fingerprint is read before the quantiles: calls folded in between
    // make the kept fingerprint older than the quantiles, never newer, so
    // the next scrape merges again rather than keeping a stale answer.
    const fingerprint = await queryHourFingerprint(this.store, { org, hourMs });
    const kept = this.entries.get(org);
    if (kept && kept.hourMs === hourMs && kept.fingerprint === fingerprint) {
      this.entries.delete(org);
      this.entries.set(org, kept);
      return kept.quantiles;
    }
    const quantiles = await queryHourQuantiles(this.store, { org, hourMs });
    this.keep(org, { hourMs, fingerprint, quantiles });
    return quantiles;
  }

  private keep(org: string, entry: Entry): void {
    const old = this.entries.get(org);
    // Two refreshes of different hours may finish out of order: keep the newer hour.
    if (old && old.hourMs > entry.hourMs) return;
    if (old) this.drop(org, old);
    if (entry.quantiles.length > this.maxLabelSets) return;
    this.entries.set(org, entry);
    this.labelSets += entry.quantiles.length;
    for (const [o, e] of this.entries) {
      if (this.labelSets <= this.maxLabelSets) break;
      this.drop(o, e);
    }
  }

  private drop(org: string, entry: Entry): void {
    this.entries.delete(org);
    this.labelSets -= entry.quantiles.length;
  }
}
