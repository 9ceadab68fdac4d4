// Coarser rollups from finer ones, in TypeScript: minute rows → hour → day
// (or any window), summing counters and merging latency digests. The result
// is independent of the order of the input rows, so hour and day rollups are
// as reproducible as the minute rows they come from.
import { CALL_OUTCOMES, type CallOutcome } from '@mcpg/events';
import { DEFAULT_COMPRESSION, type CentroidDigest } from '../digest/centroid-digest.ts';
import { mergeDigests } from '../digest/merge-digests.ts';
import type { RollupRow } from './rollup-row.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Rollup totals of one label set over one window [start, start + bucket). */
export interface RollupAggregate {
  readonly org: string;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  /** Window start, epoch ms (UTC-aligned to the bucket size). */
  readonly start: number;
  readonly calls: number;
  readonly errors: number;
  readonly outcomes: Readonly<Record<CallOutcome, number>>;
  readonly tokens_in: number;
  readonly tokens_out: number;
  readonly duration_us_sum: number;
  readonly latency: CentroidDigest;
}

export function toAggregate(r: RollupRow): RollupAggregate {
  return {
    org: r.org,
    workspace: r.workspace,
    plugin: r.plugin,
    tool: r.tool,
    start: r.minute,
    calls: r.calls,
    errors: r.errors,
    outcomes: r.outcomes,
    tokens_in: r.tokens_in,
    tokens_out: r.tokens_out,
    duration_us_sum: r.duration_us_sum,
    latency: { means: r.latency_means, weights: r.latency_weights, min: r.latency_min_ms, max: r.latency_max_ms },
  };
}

/**
 * Merges aggregates (or toAggregate'd rows, deduplicated with latestVersions
 * first) into windows of `bucketMs`, sorted by labels then start.
 */
export function mergeAggregates(items: Iterable<RollupAggregate>, bucketMs: number, compression: number = DEFAULT_COMPRESSION): RollupAggregate[] {
  const groups = new Map<string, RollupAggregate[]>();
  for (const a of items) {
    const start = Math.floor(a.start / bucketMs) * bucketMs;
    const key = JSON.stringify([a.org, a.workspace, a.plugin, a.tool, start]);
    let group = groups.get(key);
    if (group === undefined) {
      group = [];
      groups.set(key, group);
    }
    group.push(a);
  }
  const out: RollupAggregate[] = [];
  for (const group of groups.values()) {
    const first = group[0] as RollupAggregate;
    const outcomes = {} as Record<CallOutcome, number>;
    for (const o of CALL_OUTCOMES) outcomes[o] = 0;
    let calls = 0;
    let errors = 0;
    let tokensIn = 0;
    let tokensOut = 0;
    let durationUs = 0;
    for (const a of group) {
      calls += a.calls;
      errors += a.errors;
      tokensIn += a.tokens_in;
      tokensOut += a.tokens_out;
      durationUs += a.duration_us_sum;
      for (const o of CALL_OUTCOMES) outcomes[o] += a.outcomes[o];
    }
    out.push({
      org: first.org,
      workspace: first.workspace,
      plugin: first.plugin,
      tool: first.tool,
      start: Math.floor(first.start / bucketMs) * bucketMs,
      calls,
      errors,
      outcomes,
      tokens_in: tokensIn,
      tokens_out: tokensOut,
      duration_us_sum: durationUs,
      latency: mergeDigests(
        group.map((a) => a.latency),
        compression,
      ),
    });
  }
  // A fixed order, whatever order the input came in.
  return out.sort(compareAggregates);
}

function compareAggregates(a: RollupAggregate, b: RollupAggregate): number {
  return cmp(a.org, b.org) || cmp(a.workspace, b.workspace) || cmp(a.plugin, b.plugin) || cmp(a.tool, b.tool) || a.start - b.start;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
