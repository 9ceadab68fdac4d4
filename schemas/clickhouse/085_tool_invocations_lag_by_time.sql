-- Ingest lag by time: a projection of tool_invocations holding only what the
-- series' lag quantiles read (org, started_at, emitted_at, stored_at), sorted
-- by org and time. The table itself is sorted by labels first (org,
-- workspace, plugin, tool, started_at, …), so "this org's calls of the last
-- hour" cannot skip a granule there: the console overview's lag p50/p99 read
-- every call of the org at each refresh (~90 ms at 10M calls). Sorted by
-- time, the projection reads the range asked and no more.
--
-- The optimizer picks the projection by itself for a query that reads only
-- these columns (without FINAL, as the lag query does: a re-delivered copy of
-- a call moves an approximate quantile by nothing visible). Each insert and
-- merge writes it too: four narrow columns of each call, sorted again.
-- deduplicate_merge_projection_mode: a ReplacingMergeTree refuses projections
-- unless told what to do with them when a merge folds duplicates; 'rebuild'
-- builds the projection again from the merged rows (as 011 does).
--
-- Example query (what the projection serves):
--   -- lag from emitted to stored, p50 and p99 per minute, the last hour
--   SELECT toStartOfMinute(started_at) AS minute,
--          quantilesTDigest(0.5, 0.99)(dateDiff('millisecond', emitted_at, stored_at)) AS lag_ms
--   FROM tool_invocations
--   WHERE org = 'acme' AND started_at >= now64(3) - INTERVAL 1 HOUR
--   GROUP BY minute ORDER BY minute;
ALTER TABLE tool_invocations MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE tool_invocations
    ADD PROJECTION IF NOT EXISTS tool_invocations_lag_by_time
    (
        SELECT org, started_at, emitted_at, stored_at
        ORDER BY org, started_at
    );

ALTER TABLE tool_invocations MATERIALIZE PROJECTION tool_invocations_lag_by_time;
