-- Hourly tool call totals for token analytics (rollup tier: 180 days), folded
-- by the rollup-worker from mcpg.calls.v1 in the same flush as the per-minute
-- rollups (003) and the day totals (007). The token API's interval=hour reads
-- whole hours here and only the partial hours at either end of a range from
-- tool_rollups_1m: 30 days of one label set are 720 rows instead of 43,200.
--
-- Exactly-once effect as in tool_rollups_1m: one row per (labels, hour,
-- partition, offset chunk), rewritten as the chunk grows, last_offset the
-- version ReplacingMergeTree keeps. Read with FINAL. The rows are written by
-- the worker's fold, not by a materialized view over the minute inserts: a
-- flush carries only the minute rows of a chunk that changed, so a view would
-- write partial hour sums under the same key and version.
--
-- Kept 180 days, twice the minute rows' 90: hourly figures stay available for
-- half a year (a quarter compared with the one before it) after the minute
-- rows expire; longer ranges are served per day by tool_totals_1d, which has
-- no TTL. A range that starts in the last 90 days reads the same figures from
-- here as from the minute rows.
--
-- Example queries:
--   -- tokens per tool per hour over the last day
--   SELECT hour, plugin, tool, sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out
--   FROM tool_totals_1h FINAL
--   WHERE org = 'acme' AND hour >= now() - INTERVAL 1 DAY
--   GROUP BY hour, plugin, tool ORDER BY hour, plugin, tool;
--   -- the busiest hour of the day per workspace, calls averaged over 30 days
--   SELECT workspace, toHour(hour) AS hour_of_day, sum(calls) / 30 AS calls_per_day
--   FROM tool_totals_1h FINAL
--   WHERE org = 'acme' AND hour >= now() - INTERVAL 30 DAY
--   GROUP BY workspace, hour_of_day ORDER BY workspace, calls_per_day DESC
--   LIMIT 1 BY workspace;
CREATE TABLE IF NOT EXISTS tool_totals_1h
(
    org              LowCardinality(String) COMMENT 'Organisation (tenant)',
    workspace        LowCardinality(String) COMMENT 'Workspace within the org',
    plugin           LowCardinality(String) COMMENT 'Upstream MCP server; ids in names normalised to :id, over-cap label sets as __other__',
    tool             LowCardinality(String) COMMENT 'Tool name; ids normalised to :id, over-cap label sets as __other__',
    hour             DateTime('UTC')        COMMENT 'Event-time hour (UTC) of the calls',
    source_partition UInt16                 COMMENT 'Kafka partition the calls came from (part of the replay key)',
    chunk_start      UInt64                 COMMENT 'First offset of the offset chunk the calls came from (part of the replay key)',
    last_offset      UInt64                 COMMENT 'Last offset folded into this row: the version ReplacingMergeTree keeps the highest of',
    calls            UInt64                 COMMENT 'Tool calls',
    tokens_in        UInt64                 COMMENT 'Tokens sent to tools (arguments)',
    tokens_out       UInt64                 COMMENT 'Tokens tools returned (results)'
)
ENGINE = ReplacingMergeTree(last_offset)
PARTITION BY toYYYYMM(hour)
ORDER BY (org, workspace, plugin, tool, hour, source_partition, chunk_start)
TTL hour + INTERVAL 180 DAY
COMMENT 'Hourly tool call and token totals (180 days), one row per (labels, hour, partition, offset chunk); whole hours of the token API. Read with FINAL.';
