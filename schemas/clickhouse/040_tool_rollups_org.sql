-- Org-wide tool call rollups: every call of an org, whatever its workspace,
-- plugin and tool (over-cap __other__ calls included), per UTC minute, hour
-- and day, with a latency t-digest. Folded by the rollup-worker from
-- mcpg.calls.v1 in the same flush as the per-label-set tiers (003, 015, 016):
-- an org-wide time series reads one row per bucket (and offset chunk) here
-- instead of merging the digests of every label set of the org, which at
-- 10,000 label sets is 10,000 rows per minute.
--
-- Exactly-once effect as in tool_rollups_1m: one row per (org, minute/hour/day,
-- partition, offset chunk), rewritten as the chunk grows, last_offset the
-- version ReplacingMergeTree keeps. Read with FINAL. Each digest is built
-- from the calls' durations as they are folded, at twice the compression of
-- a label set's (it holds all of the org's calls). Rows are kept by the org
-- plan like the label-set tier of the same step (061): retention_days is
-- stamped at insert by the worker and re-applied on a plan change.
-- Rows start with the first chunk a worker folds after this migration: calls
-- folded before it are only in the per-label-set tiers (the series route
-- reads those for buckets before an org's first full org-wide bucket).
--
-- Example queries:
--   -- calls, error rate and p50/p99 per minute over the last day
--   SELECT minute, sum(calls) AS n_calls, sum(errors) / sum(calls) AS error_rate,
--          quantilesExactWeightedArray(0.5, 0.99)(latency_means, latency_weights) AS p50_p99_ms
--   FROM tool_rollups_org_1m FINAL
--   WHERE org = 'acme' AND minute >= now() - INTERVAL 1 DAY
--   GROUP BY minute ORDER BY minute;
--   -- tokens per day for every org
--   SELECT day, org, sum(tokens_in), sum(tokens_out) FROM tool_rollups_org_1d FINAL GROUP BY day, org ORDER BY day, org;
CREATE TABLE IF NOT EXISTS tool_rollups_org_1m
(
    org              LowCardinality(String) COMMENT 'Organisation (tenant)',
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
    latency_weights  Array(UInt64)          COMMENT 't-digest centroid weights, parallel to latency_means',
    retention_days   UInt16 DEFAULT 90      COMMENT 'Days this row is kept (class rollups_1m of the org plan), set at insert; the TTL reads it'
)
ENGINE = ReplacingMergeTree(last_offset)
PARTITION BY toYYYYMM(minute)
ORDER BY (org, minute, source_partition, chunk_start)
TTL minute + toIntervalDay(retention_days)
COMMENT 'Org-wide tool call rollups per minute with a latency t-digest (kept by the org plan''s rollups_1m window), one row per (org, minute, partition, offset chunk). Read with FINAL: a replayed chunk replaces its own rows.';

CREATE TABLE IF NOT EXISTS tool_rollups_org_1h
(
    org              LowCardinality(String) COMMENT 'Organisation (tenant)',
    hour             DateTime('UTC')        COMMENT 'Event-time hour (started_at of the calls, gateway clock)',
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
    latency_weights  Array(UInt64)          COMMENT 't-digest centroid weights, parallel to latency_means',
    retention_days   UInt16 DEFAULT 180      COMMENT 'Days this row is kept (class rollups_1h of the org plan), set at insert; the TTL reads it'
)
ENGINE = ReplacingMergeTree(last_offset)
PARTITION BY toYYYYMM(hour)
ORDER BY (org, hour, source_partition, chunk_start)
TTL hour + toIntervalDay(retention_days)
COMMENT 'Org-wide tool call rollups per hour with a latency t-digest (kept by the org plan''s rollups_1h window), one row per (org, hour, partition, offset chunk). Read with FINAL: a replayed chunk replaces its own rows.';

CREATE TABLE IF NOT EXISTS tool_rollups_org_1d
(
    org              LowCardinality(String) COMMENT 'Organisation (tenant)',
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
    latency_weights  Array(UInt64)          COMMENT 't-digest centroid weights, parallel to latency_means',
    retention_days   UInt16 DEFAULT 2557      COMMENT 'Days this row is kept (class rollups_1d of the org plan (2557 = 7 years)), set at insert; the TTL reads it'
)
ENGINE = ReplacingMergeTree(last_offset)
PARTITION BY toYear(day)
ORDER BY (org, day, source_partition, chunk_start)
TTL day + toIntervalDay(retention_days)
COMMENT 'Org-wide tool call rollups per UTC day with a latency t-digest (kept by the org plan''s rollups_1d window), one row per (org, day, partition, offset chunk). Read with FINAL: a replayed chunk replaces its own rows.';
