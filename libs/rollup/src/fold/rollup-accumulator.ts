// The running fold of one minute row: counters plus the latency digest. The
// digest only changes at points fixed by the input (see MergingDigest), and
// toRow snapshots without changing anything, so a row is the same whether it
// was taken once at the end or after every batch. The counters also feed the
// day totals of the minute's day and the hour totals of its hour, by
// difference since the last settle().
import { MergingDigest } from '../digest/merging-digest.ts';
import { emptyOutcomes, IS_ERROR, OUTCOME_INDEX, outcomeRecord, type Counts, type FoldedCall, type RollupLabels } from './call-counters.ts';
import type { DayTotals } from './day-totals.ts';
import type { HourTotals } from './hour-totals.ts';
import type { RollupRow, TierRollupRow } from './rollup-row.ts';

export class RollupAccumulator implements Counts {
  calls = 0;
  errors = 0;
  tokensIn = 0;
  tokensOut = 0;
  durationUsSum = 0;
  lastOffset = -1;
  readonly outcomes = emptyOutcomes();
  /** Set when the row changed since it was last taken. */
  dirty = false;
  /** Set when the counters changed since they were last added to the day and hour. */
  unsettled = false;
  /**
   * The hour and day rollups (digest tiers) this minute's calls also go to:
   * each digests the durations itself, one push per call and tier, instead
   * of merging up to 60 or 1,440 minute digests at every flush.
   */
  hourRollup: RollupAccumulator | undefined;
  dayRollup: RollupAccumulator | undefined;
  /** The org-wide minute, hour and day rows (tool_rollups_org_*) the calls also go to, one push per call each. */
  orgMinute: RollupAccumulator | undefined;
  orgHour: RollupAccumulator | undefined;
  orgDay: RollupAccumulator | undefined;
  readonly #digest: MergingDigest;
  // What the day and hour totals have of this minute already.
  readonly #settled: Counts = { calls: 0, errors: 0, tokensIn: 0, tokensOut: 0, durationUsSum: 0, lastOffset: -1, outcomes: emptyOutcomes() };

  constructor(
    readonly labels: RollupLabels,
    /** Start of the minute (or of the hour or day, for a digest tier's accumulator), epoch ms. */
    readonly minute: number,
    readonly partition: number,
    readonly chunkStart: number,
    compression: number,
    readonly day: DayTotals,
    readonly hour: HourTotals,
  ) {
    this.#digest = new MergingDigest(compression);
  }

  add(e: FoldedCall, offset: number): void {
    const o = OUTCOME_INDEX[e.outcome] as number;
    this.calls++;
    if (IS_ERROR[o]) this.errors++;
    this.outcomes[o]!++;
    this.tokensIn += e.tokens_in;
    this.tokensOut += e.tokens_out;
    this.durationUsSum += e.duration_us;
    this.#digest.add(e.duration_us / 1000);
    this.lastOffset = offset;
  }

  /** Adds what this minute counted since the last call to its day's and its hour's totals. */
  settle(): void {
    const d = this.day;
    const h = this.hour;
    const s = this.#settled;
    const calls = this.calls - s.calls;
    const tokensIn = this.tokensIn - s.tokensIn;
    const tokensOut = this.tokensOut - s.tokensOut;
    d.calls += calls;
    d.errors += this.errors - s.errors;
    d.tokensIn += tokensIn;
    d.tokensOut += tokensOut;
    d.durationUsSum += this.durationUsSum - s.durationUsSum;
    h.calls += calls;
    h.tokensIn += tokensIn;
    h.tokensOut += tokensOut;
    for (let i = 0; i < this.outcomes.length; i++) {
      d.outcomes[i]! += this.outcomes[i]! - s.outcomes[i]!;
      s.outcomes[i] = this.outcomes[i]!;
    }
    if (this.lastOffset > d.lastOffset) d.lastOffset = this.lastOffset;
    if (this.lastOffset > h.lastOffset) h.lastOffset = this.lastOffset;
    s.calls = this.calls;
    s.errors = this.errors;
    s.tokensIn = this.tokensIn;
    s.tokensOut = this.tokensOut;
    s.durationUsSum = this.durationUsSum;
    this.unsettled = false;
  }

  /** The row of an hour or day rollup: `start` is the hour's or day's first millisecond. */
  toTierRow(): TierRollupRow {
    const d = this.#digest.snapshot();
    const l = this.labels;
    return {
      org: l.org,
      workspace: l.workspace,
      plugin: l.plugin,
      tool: l.tool,
      source_partition: this.partition,
      chunk_start: this.chunkStart,
      last_offset: this.lastOffset,
      start: this.minute,
      calls: this.calls,
      errors: this.errors,
      outcomes: outcomeRecord(this.outcomes),
      tokens_in: this.tokensIn,
      tokens_out: this.tokensOut,
      duration_us_sum: this.durationUsSum,
      latency_min_ms: d.min,
      latency_max_ms: d.max,
      latency_means: d.means,
      latency_weights: d.weights,
    };
  }

  // Rows are object literals, not spreads of shared column helpers: spreading
  // doubled the fold's cost in bench/fold.ts (rows are taken every batch).
  toRow(): RollupRow {
    const d = this.#digest.snapshot();
    const l = this.labels;
    return {
      org: l.org,
      workspace: l.workspace,
      plugin: l.plugin,
      tool: l.tool,
      source_partition: this.partition,
      chunk_start: this.chunkStart,
      last_offset: this.lastOffset,
      minute: this.minute,
      calls: this.calls,
      errors: this.errors,
      outcomes: outcomeRecord(this.outcomes),
      tokens_in: this.tokensIn,
      tokens_out: this.tokensOut,
      duration_us_sum: this.durationUsSum,
      latency_min_ms: d.min,
      latency_max_ms: d.max,
      latency_means: d.means,
      latency_weights: d.weights,
    };
  }
}
