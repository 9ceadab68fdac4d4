-- Per-minute rollups of tool calls (rollup tier: 90 days), folded by the
-- rollup-worker from mcpg.calls.v1.
--
-- Exactly-once effect: each row is what one offset chunk of one partition
-- contributed to one (org, workspace, plugin, tool, minute). A worker rewrites
-- the rows of the chunk it is folding with every flush (each time with more of
-- the chunk in them) and commits offsets only at chunk starts, so a restarted
-- worker refolds the open chunk from its first offset and writes the same rows
-- again. ReplacingMergeTree keeps the version with the highest last_offset:
-- read with FINAL and every event counts once.
--
-- Latency is a t-digest of duration in milliseconds as centroid arrays
-- (latency_means ascending, latency_weights summing to calls). Merge them in
-- SQL by weighting each centroid mean with its weight, e.g. p50/p95/p99 per
-- tool per hour:
--   SELECT toStartOfHour(minute) AS hour, plugin, tool,
--          quantilesTDigestWeighted(0.5, 0.95, 0.99)(mean, weight) AS p50_p95_p99_ms
--   FROM tool_rollups_1m FINAL
--   ARRAY JOIN latency_means AS mean, latency_weights AS weight
--   WHERE org = 'acme' AND minute >= now() - INTERVAL 1 DAY
--   GROUP BY hour, plugin, tool ORDER BY hour, plugin, tool;
--   -- calls, errors and tokens per workspace per day
--   SELECT toDate(minute) AS day, workspace, sum(calls), sum(errors), sum(tokens_in), sum(tokens_out)
--   FROM tool_rollups_1m FINAL WHERE org = 'acme' GROUP BY day, workspace ORDER BY day, workspace;
CREATE TABLE IF NOT EXISTS tool_rollups_1m
(
    org              LowCardinality(String) COMMENT 'Organisation (tenant)',
    workspace        LowCardinality(String) COMMENT 'Workspace within the org',
    plugin           LowCardinality(String) COMMENT 'Upstream MCP server; ids in names normalised to :id, over-cap label sets as __other__',
    tool             LowCardinality(String) COMMENT 'Tool name; ids normalised to :id, over-cap label sets as __other__',
    minute           DateTime('UTC')        COMMENT 'Event-time minute (started_at of the calls, gateway clock)',
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
PARTITION BY toYYYYMM(minute)
ORDER BY (org, workspace, plugin, tool, minute, source_partition, chunk_start)
TTL minute + INTERVAL 90 DAY
COMMENT 'Per-minute tool call rollups with a latency t-digest, one row per (labels, minute, partition, offset chunk). Read with FINAL: a replayed chunk replaces its own rows.';
