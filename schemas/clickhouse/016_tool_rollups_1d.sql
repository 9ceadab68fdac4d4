-- Daily tool call rollups with a latency t-digest (no TTL, like the day totals 007),
-- folded by the rollup-worker from mcpg.calls.v1 in the same flush as the
-- per-minute rollups (003). Same columns as tool_rollups_1m, per UTC day:
-- time series with 1-day steps and the fleet endpoint's granularity=day
-- read one row per label set and day instead of merging 1,440 minute rows
-- on every request.
--
-- Exactly-once effect as in tool_rollups_1m: one row per (labels, day,
-- partition, offset chunk), rewritten as the chunk grows, last_offset the
-- version ReplacingMergeTree keeps. Read with FINAL. The digest is built from
-- the calls' durations as they are folded (one more push per call), not by
-- merging minute digests, so it is as exact as a minute's.
--
-- Example queries:
--   -- p50/p99 per tool per day over the last quarter
--   SELECT day, plugin, tool,
--          quantilesExactWeightedArray(0.5, 0.99)(latency_means, latency_weights) AS p50_p99_ms
--   FROM tool_rollups_1d FINAL
--   WHERE org = 'acme' AND day >= today() - 90
--   GROUP BY day, plugin, tool ORDER BY day, plugin, tool;
--   -- error rate per workspace per month, over years
--   SELECT toStartOfMonth(day) AS month, workspace, sum(errors) / sum(calls) AS error_rate
--   FROM tool_rollups_1d FINAL WHERE org = 'acme' GROUP BY month, workspace ORDER BY month, workspace;
CREATE TABLE IF NOT EXISTS tool_rollups_1d
(
    org              LowCardinality(String) COMMENT 'Organisation (tenant)',
    workspace        LowCardinality(String) COMMENT 'Workspace within the org',
    plugin           LowCardinality(String) COMMENT 'Upstream MCP server; ids in names normalised to :id, over-cap label sets as __other__',
    tool             LowCardinality(String) COMMENT 'Tool name; ids normalised to :id, over-cap label sets as __other__',
    day              Date                   COMMENT 'Event-time day (UTC) of the calls',
    source_partition UInt16                 COMMENT 'Kafka partition the calls came from (part of the replay key)',
    chunk_start      UInt64                 COMMENT 'First offset of the offset chunk the calls came from (part of the replay key)',
    last_offset      UInt64                 COMMENT 'Last offset folded into this row: the version ReplacingMergeTree keeps the highest of',
    calls            UInt64                 COMMENT 'Tool calls',
    errors           UInt64                 COMMENT 'Calls with outcome error or timeout',
    outcome_ok       UInt64                 COMMENT 'Calls with outcome ok',
    outcome_error    UInt64                 COMMENT 'Calls with outcome error',
    outcome_denied   UInt64                 COMMENT 'Calls denied by policy',
    outcome_timeout  UInt64                 COMMENT 'Calls that timed out',
    outcome_cancelled UInt64                COMMENT 'Calls the client cancelled',
    tokens_in        UInt64                 COMMENT 'Tokens sent to tools (arguments)',
    tokens_out       UInt64                 COMMENT 'Tokens tools returned (results)',
    duration_us_sum  UInt64                 COMMENT 'Sum of call durations in microseconds',
    latency_min_ms   Float64                COMMENT 'Fastest call, milliseconds',
    latency_max_ms   Float64                COMMENT 'Slowest call, milliseconds',
    latency_means    Array(Float64)         COMMENT 't-digest centroid means (milliseconds), ascending',
    latency_weights  Array(UInt64)          COMMENT 't-digest centroid weights, parallel to latency_means'
)
ENGINE = ReplacingMergeTree(last_offset)
PARTITION BY toYear(day)
ORDER BY (org, workspace, plugin, tool, day, source_partition, chunk_start)
COMMENT 'Hourly tool call rollups with a latency t-digest (180 days), one row per (labels, day, partition, offset chunk). Read with FINAL: a replayed chunk replaces its own rows.';
