-- Ingest lag per org and minute, as t-digest states: a materialized view on
-- every insert into tool_invocations folds each inserted call's lag
-- (stored_at - emitted_at, the same value the raw query read) into the
-- state of its org and event-time minute. An org-wide lag series (the
-- console overview's lag p50/p99) then merges one small state per minute
-- and insert instead of a t-digest over every call of the range: at 10M
-- calls a day, the last hour's ~400k lags were most of an overview refresh
-- (bench/console.ts).
--
-- The view sees stored_at as ClickHouse filled it for the insert, so no
-- writer computes it (the worker does not know when its insert lands).
-- Like the raw query it replaces (which reads without FINAL), a re-delivered
-- copy of a call is counted once per insert: it moves an approximate
-- quantile by nothing visible. Grouped or filtered lag series still read the
-- raw calls; calls inserted before this migration have no rows here (views
-- do not backfill, migrations do not insert), so the series reads the raw
-- calls for the minutes before an org's first row here.
--
-- Kept as long as the calls (class samples of the org plan): retention_days
-- comes from the inserted rows and is re-applied on a plan change.
--
-- Example query:
--   -- lag p50 and p99 per minute over the last hour, in ms
--   SELECT minute, quantilesTDigestMerge(0.5, 0.99)(lag_ms) AS p50_p99
--   FROM tool_invocation_lag_1m
--   WHERE org = 'acme' AND minute >= now() - INTERVAL 1 HOUR
--   GROUP BY minute ORDER BY minute;
CREATE TABLE IF NOT EXISTS tool_invocation_lag_1m
(
    org            LowCardinality(String) COMMENT 'Organisation (tenant)',
    minute         DateTime('UTC')        COMMENT 'Event-time minute (started_at of the calls, gateway clock)',
    lag_ms         AggregateFunction(quantilesTDigest(0.5, 0.99), Int64) COMMENT 't-digest state of stored_at - emitted_at in milliseconds (negative clamped to 0); merge with quantilesTDigestMerge(0.5, 0.99)',
    retention_days SimpleAggregateFunction(max, UInt16) DEFAULT 30 COMMENT 'Days this row is kept (class samples of the org plan), from the inserted calls (rows merged keep the longest); the TTL reads it'
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (org, minute)
TTL minute + toIntervalDay(retention_days)
COMMENT 'Ingest lag (stored_at - emitted_at) per org and event-time minute as t-digest states, kept by tool_invocation_lag_1m_mv on every insert into tool_invocations; merge with quantilesTDigestMerge(0.5, 0.99).';

CREATE MATERIALIZED VIEW IF NOT EXISTS tool_invocation_lag_1m_mv TO tool_invocation_lag_1m AS
SELECT
    org,
    toStartOfMinute(started_at) AS minute,
    quantilesTDigestState(0.5, 0.99)(greatest(toUnixTimestamp64Milli(stored_at) - toUnixTimestamp64Milli(emitted_at), 0)) AS lag_ms,
    max(retention_days) AS retention_days
FROM tool_invocations
GROUP BY org, minute;
