// @mcpg/rollup: pure folds of call events. One row per call for
// tool_invocations, and per-minute rollups (counters and a latency t-digest)
// for tool_rollups_1m, with day and hour totals beside them (tool_totals_1d,
// tool_totals_1h), hour and day digests, org-wide rows (tool_rollups_org_*),
// label normalisation and a cardinality cap.
export { toInvocationRow, errorHash, type InvocationRow } from './invocation-row.ts';
export { validateCall, validateCallFigures, InvalidCallError } from './validate-call.ts';
export type { FoldedCall } from './fold/call-counters.ts';
export { RollupError, ROLLUP_ERROR_CODES, type RollupErrorCode } from './errors.ts';

export { type CentroidDigest, EMPTY_DIGEST, DEFAULT_COMPRESSION, digestCount } from './digest/centroid-digest.ts';
export { MergingDigest } from './digest/merging-digest.ts';
export { mergeDigests } from './digest/merge-digests.ts';
export { digestQuantile, digestQuantiles } from './digest/quantile.ts';

export { ID_PLACEHOLDER, normalizeLabel, LabelNormalizer } from './labels/normalize-label.ts';
export { OTHER_LABEL, LabelSetGuard } from './labels/label-set-guard.ts';

export { ERROR_OUTCOMES, ROLLUP_KEY_COLUMNS, TIER_ROLLUP_KEY_COLUMNS, type RollupRow, type RollupSource, type TierRollupRow, type OrgRollupRows } from './fold/rollup-row.ts';
export { DAY_TOTALS_KEY_COLUMNS, type DayTotalsRow } from './fold/day-totals.ts';
export { HOUR_TOTALS_KEY_COLUMNS, type HourTotalsRow } from './fold/hour-totals.ts';
export {
  type FoldOptions,
  type ResolvedFoldOptions,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_LABEL_SETS_PER_ORG,
  resolveFoldOptions,
  chunkStart,
} from './fold/fold-options.ts';
export { RollupFold, foldBatch, foldBatchTiers, type PositionedCall, type FoldStats } from './fold/rollup-fold.ts';
export { latestVersions, rollupRowKey } from './fold/latest-versions.ts';
export { type RollupAggregate, toAggregate, mergeAggregates, MINUTE_MS, HOUR_MS, DAY_MS } from './fold/merge-rollups.ts';
