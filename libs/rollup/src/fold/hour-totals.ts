// What one offset chunk of one partition contributed to one (org, workspace,
// plugin, tool, UTC hour): calls and token sums, the figures token analytics
// reads per hour. They live in `tool_totals_1h` (schemas/clickhouse/013), so a
// month of hourly token figures reads one row per label set and hour instead
// of sixty minute rows. Keyed and versioned like the minute rows and day
// totals (chunk in the key, last_offset the version): cumulative within the
// chunk, so a replayed chunk replaces its own rows. They must come from the
// fold, not from a view over minute inserts: a flush carries only the minute
// rows that changed, which would give partial hour sums under one key and
// version. The counts are the sums of the hour's minute accumulators.
import type { RollupLabels } from './call-counters.ts';
import type { RollupSource } from './rollup-row.ts';

export interface HourTotalsRow extends RollupSource {
  /** Start of the event-time hour (UTC), epoch ms. */
  readonly hour: number;
  readonly calls: number;
  readonly tokens_in: number;
  readonly tokens_out: number;
}

/** The columns that identify an hour row; rows equal on these replace each other. */
export const HOUR_TOTALS_KEY_COLUMNS = ['org', 'workspace', 'plugin', 'tool', 'hour', 'source_partition', 'chunk_start'] as const;

export class HourTotals {
  calls = 0;
  tokensIn = 0;
  tokensOut = 0;
  lastOffset = -1;
  /** Set when the totals changed since they were last taken. */
  dirty = false;

  constructor(
    readonly labels: RollupLabels,
    readonly hour: number,
    readonly partition: number,
    readonly chunkStart: number,
  ) {}

  toRow(): HourTotalsRow {
    const l = this.labels;
    return {
      org: l.org,
      workspace: l.workspace,
      plugin: l.plugin,
      tool: l.tool,
      source_partition: this.partition,
      chunk_start: this.chunkStart,
      last_offset: this.lastOffset,
      hour: this.hour,
      calls: this.calls,
      tokens_in: this.tokensIn,
      tokens_out: this.tokensOut,
    };
  }
}
