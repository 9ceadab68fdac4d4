// Lifetime counters: what one offset chunk of one partition contributed to
// one (org, workspace, plugin, tool, UTC day), without the latency digest.
// They live in `tool_totals_1d`, which has no TTL, so the fleet endpoint's
// counters keep every call after the per-minute rollups (90 days) expire and
// never decrease. Keyed and versioned like the minute rows (chunk in the key,
// last_offset the version), so a replayed chunk replaces its own rows. The
// counts are the sums of the day's minute accumulators (their settle()).
import { emptyOutcomes, outcomeRecord, type Counts, type RollupLabels } from './call-counters.ts';
import type { RollupCounters, RollupSource } from './rollup-row.ts';

export interface DayTotalsRow extends RollupSource, RollupCounters {
  /** Start of the event-time day (UTC midnight), epoch ms. */
  readonly day: number;
}

/** The columns that identify a day row; rows equal on these replace each other. */
export const DAY_TOTALS_KEY_COLUMNS = ['org', 'workspace', 'plugin', 'tool', 'day', 'source_partition', 'chunk_start'] as const;

export class DayTotals implements Counts {
  calls = 0;
  errors = 0;
  tokensIn = 0;
  tokensOut = 0;
  durationUsSum = 0;
  lastOffset = -1;
  readonly outcomes = emptyOutcomes();
  /** Set when the totals changed since they were last taken. */
  dirty = false;

  constructor(
    readonly labels: RollupLabels,
    readonly day: number,
    readonly partition: number,
    readonly chunkStart: number,
  ) {}

  toRow(): DayTotalsRow {
    const l = this.labels;
    return {
      org: l.org,
      workspace: l.workspace,
      plugin: l.plugin,
      tool: l.tool,
      source_partition: this.partition,
      chunk_start: this.chunkStart,
      last_offset: this.lastOffset,
      day: this.day,
      calls: this.calls,
      errors: this.errors,
      outcomes: outcomeRecord(this.outcomes),
      tokens_in: this.tokensIn,
      tokens_out: this.tokensOut,
      duration_us_sum: this.durationUsSum,
    };
  }
}
