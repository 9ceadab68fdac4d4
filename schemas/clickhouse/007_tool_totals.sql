-- Lifetime day totals of tool calls, folded by the rollup-worker from
-- mcpg.calls.v1 together with the per-minute rollups (003). No TTL: the fleet
-- endpoint's counters (mcpg_tool_calls_total, ...) are sums over this table,
-- so they keep counting calls whose minute rows expired after 90 days and
-- never decrease, however long an org stays idle.
--
-- Exactly-once effect as in tool_rollups_1m: one row per (labels, day,
-- partition, offset chunk), rewritten as the chunk grows, last_offset the
-- version ReplacingMergeTree keeps. Read with FINAL. Size: one row per label
-- set per day per partition and chunk, a few million rows a year for a
-- thousand label sets.
--
-- Example queries:
--   -- calls, errors and tokens per tool since the beginning
--   SELECT plugin, tool, sum(calls) AS calls, sum(errors) AS errors,
--          sum(tokens_in) AS tokens_in, sum(tokens_out) AS tokens_out
--   FROM tool_totals_1d FINAL WHERE org = 'acme'
--   GROUP BY plugin, tool ORDER BY calls DESC;
--   -- error rate per workspace per month, over years
--   SELECT toStartOfMonth(day) AS month, workspace, sum(errors) / sum(calls) AS error_rate
--   FROM tool_totals_1d FINAL WHERE org = 'acme'
--   GROUP BY month, workspace ORDER BY month, workspace;
CREATE TABLE IF NOT EXISTS tool_totals_1d
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
    duration_us_sum  UInt64                 COMMENT 'Sum of call durations in microseconds'
)
ENGINE = ReplacingMergeTree(last_offset)
PARTITION BY toYear(day)
ORDER BY (org, workspace, plugin, tool, day, source_partition, chunk_start)
COMMENT 'Lifetime per-day tool call counters (no TTL), one row per (labels, day, partition, offset chunk); the base of the fleet counters. Read with FINAL.';
