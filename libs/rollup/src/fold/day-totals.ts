// Lifetime counters: what one offset chunk of one partition contributed to
// one (org, workspace, plugin, tool, UTC day), without the latency digest.
// They live in `tool_totals_1d`, which has no TTL, so the fleet endpoint's
// counters keep every call after the per-minute rollups (90 days) expire and
// never decrease. Keyed and versioned like the minute rows (chunk in the key,
// last_offset the version), so a replayed chunk replaces its own rows.
import { CallCounters, type RollupLabels } from './call-counters.ts';
import type { RollupCounters, RollupSource } from './rollup-row.ts';

export interface DayTotalsRow extends RollupSource, RollupCounters {
  /** Start of the event-time day (UTC midnight), epoch ms. */
  readonly day: number;
}

/** The columns that identify a day row; rows equal on these replace each other. */
export const DAY_TOTALS_KEY_COLUMNS = ['org', 'workspace', 'plugin', 'tool', 'day', 'source_partition', 'chunk_start'] as const;

export class DayTotals extends CallCounters {
  constructor(
    readonly labels: RollupLabels,
    readonly day: number,
    readonly partition: number,
    readonly chunkStart: number,
  ) {
    super();
  }

  toRow(): DayTotalsRow {
    return { ...this.source(this.labels, this.partition, this.chunkStart), day: this.day, ...this.counters() };
  }
}
