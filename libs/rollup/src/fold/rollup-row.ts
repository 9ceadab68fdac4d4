// One row of `tool_rollups_1m`: what one offset chunk of one partition
// contributed to one (org, workspace, plugin, tool, minute). The key includes
// the chunk, and `last_offset` is the version a ReplacingMergeTree keeps the
// newest of, so a replayed chunk overwrites its own rows instead of adding to
// them (README.md, "Exactly-once rollups").
import type { CallOutcome } from '@mcpg/events';

/**
 * Outcomes counted as errors: the tool or its upstream failed or did not
 * answer. Not `denied` (the policy working as intended) nor `cancelled` (the
 * client gave up). The store counts tool_invocations errors with this same
 * list, so both tables count errors alike.
 */
export const ERROR_OUTCOMES: readonly CallOutcome[] = ['error', 'timeout'];

/** What every rollup tier counts for a group of calls. */
export interface RollupCounters {
  readonly calls: number;
  /** Calls whose outcome is in ERROR_OUTCOMES. */
  readonly errors: number;
  /** Calls per outcome; every outcome present, in schema order. */
  readonly outcomes: Readonly<Record<CallOutcome, number>>;
  readonly tokens_in: number;
  readonly tokens_out: number;
  /** Σ duration_us: exact in integers, for a mean or a summary's `_sum`. */
  readonly duration_us_sum: number;
}

/** Where a rollup row's calls came from: its labels, partition and offset chunk, and its version. */
export interface RollupSource {
  readonly org: string;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  readonly source_partition: number;
  /** First offset of the chunk (offset − offset mod chunkSize); part of the key. */
  readonly chunk_start: number;
  /** Offset of the last event folded into this row: the row's version. */
  readonly last_offset: number;
}

export interface RollupRow extends RollupSource, RollupCounters {
  /** Start of the event-time minute, epoch ms: floor(started_at / 60000) · 60000. */
  readonly minute: number;
  readonly latency_min_ms: number;
  readonly latency_max_ms: number;
  /** t-digest of duration_us / 1000: centroid means, ascending. */
  readonly latency_means: readonly number[];
  /** Centroid weights (whole counts), parallel to latency_means; they sum to `calls`. */
  readonly latency_weights: readonly number[];
}

/** The columns that identify a row; rows equal on these replace each other. */
export const ROLLUP_KEY_COLUMNS = ['org', 'workspace', 'plugin', 'tool', 'minute', 'source_partition', 'chunk_start'] as const;

/**
 * One row of the hour or day digest tiers (`tool_rollups_1h`, `tool_rollups_1d`,
 * schemas/clickhouse 015 and 016): the minute row's figures for a whole UTC
 * hour or day, its t-digest built from the calls themselves (not merged from
 * minute digests), keyed and versioned like the minute rows.
 */
export interface TierRollupRow extends Omit<RollupRow, 'minute'> {
  /** Start of the event-time hour or day (UTC), epoch ms. */
  readonly start: number;
}

/** The columns that identify an hour or day digest row (`start` is the `hour` or `day` column). */
export const TIER_ROLLUP_KEY_COLUMNS = ['org', 'workspace', 'plugin', 'tool', 'start', 'source_partition', 'chunk_start'] as const;

/**
 * Org-wide rows (`tool_rollups_org_1m`, `_1h`, `_1d`, schemas/clickhouse 040):
 * every call of an org per minute, hour and day, keyed and versioned like the
 * tiers above with (org, start, partition, chunk); workspace, plugin and tool
 * are empty.
 */
export interface OrgRollupRows {
  readonly minutes: readonly TierRollupRow[];
  readonly hours: readonly TierRollupRow[];
  readonly days: readonly TierRollupRow[];
}
