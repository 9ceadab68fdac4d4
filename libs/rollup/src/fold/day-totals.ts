// Lifetime counters: what one offset chunk of one partition contributed to
// one (org, workspace, plugin, tool, UTC day), without the latency digest.
// They live in `tool_totals_1d`, which has no TTL, so the fleet endpoint's
// counters keep every call after the per-minute rollups (90 days) expire and
// never decrease. Keyed and versioned like the minute rows (chunk in the key,
// last_offset the version), so a replayed chunk replaces its own rows.
import type { CallOutcome } from '@mcpg/events';
import { CallCounters, type RollupLabels } from './call-counters.ts';

export interface DayTotalsRow {
  readonly org: string;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  /** Start of the event-time day (UTC midnight), epoch ms. */
  readonly day: number;
  readonly source_partition: number;
  readonly chunk_start: number;
  readonly last_offset: number;
  readonly calls: number;
  readonly errors: number;
  readonly outcomes: Readonly<Record<CallOutcome, number>>;
  readonly tokens_in: number;
  readonly tokens_out: number;
  readonly duration_us_sum: number;
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
    return {
      org: this.labels.org,
      workspace: this.labels.workspace,
      plugin: this.labels.plugin,
      tool: this.labels.tool,
      day: this.day,
      source_partition: this.partition,
      chunk_start: this.chunkStart,
      last_offset: this.lastOffset,
      calls: this.calls,
      errors: this.errors,
      outcomes: this.outcomes(),
      tokens_in: this.tokensIn,
      tokens_out: this.tokensOut,
      duration_us_sum: this.durationUsSum,
    };
  }
}
