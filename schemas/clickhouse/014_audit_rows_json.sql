-- The audit rows a search page returns, one JSON text per row, kept by a
-- materialized view on every insert into audit_log. A page is read in two
-- steps (libs/store audit queries): the keys of its rows from the text index,
-- then the rows of those keys. The projection of migration 010 answers the
-- second step in 256-row granules, but per row it still reads one granule of
-- each of its 15 columns, and that per-column read is what a scattered page
-- costs: 40 rows of a rare word took ~80 ms of CPU from 010, against ~18 ms
-- from one text column in the same 256-row granules (2M rows, same process).
--
-- `row` is the JSON array [seq, event_id, workspace, instance,
-- occurred_at (epoch ms), action, actor, resource, decision, outcome,
-- latency_us, arguments, response, error, trace_id], nulls as null. Nothing
-- hashed changes: audit_log keeps its columns and this table is derived from
-- them. A re-appended row is written here again too; the search drops the
-- copy as it does in audit_log, and a merge folds it.
--
-- Rows appended before this migration are not copied here (migrations do not
-- insert); the search reads those from audit_log (its 010 projection).
--
-- Example query:
--   SELECT seq, JSONExtractString(row, 7) AS actor, JSONExtractString(row, 8) AS resource
--   FROM audit_rows_json WHERE org = 'acme' AND seq IN (41, 977, 10452);
CREATE TABLE IF NOT EXISTS audit_rows_json
(
    org         LowCardinality(String) COMMENT 'Organisation (tenant), as in audit_log',
    seq         UInt64                 COMMENT 'Position in the org ledger, as in audit_log',
    occurred_at DateTime64(3, 'UTC')   COMMENT 'When it happened, as in audit_log (for the TTL)',
    row         String                 COMMENT 'The audit_log row as a JSON array: seq, event_id, workspace, instance, occurred_at ms, action, actor, resource, decision, outcome, latency_us, arguments, response, error, trace_id'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYear(occurred_at)
ORDER BY (org, seq)
TTL toDateTime(occurred_at) + INTERVAL 7 YEAR
SETTINGS index_granularity = 256
COMMENT 'Audit rows as JSON by (org, seq) in 256-row granules, for search pages; kept by audit_rows_json_mv';

CREATE MATERIALIZED VIEW IF NOT EXISTS audit_rows_json_mv TO audit_rows_json AS
SELECT
    org,
    seq,
    occurred_at,
    toJSONString((seq, event_id, toString(workspace), toString(instance), toUnixTimestamp64Milli(occurred_at), toString(action), actor, resource,
                  toString(decision), toString(outcome), latency_us, arguments, response, error, trace_id)) AS row
FROM audit_log;
