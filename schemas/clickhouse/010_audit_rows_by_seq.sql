-- Audit search reads a page in two steps (libs/store audit queries): the keys
-- (occurred_at, seq) of the page's rows from the text index and the sort key,
-- then the rows of those keys. audit_log stores 8,192 rows per granule, and
-- ClickHouse reads whole granules: fetching 50 rows spread over the table (a
-- rare word) read 50 granules of the long text columns. This projection holds
-- the rows again, ordered by (org, seq) in granules of 256 rows, so the second
-- step reads 50 small granules instead. Measured on 1M rows: 3 scattered rows
-- 54 ms -> 12 ms; size +45% of the table (the hashes are not copied).
--
-- Nothing hashed changes: a projection is derived data kept by ClickHouse.
-- ReplacingMergeTree accepts projections only when told what to do with them
-- when a merge folds duplicate rows: rebuild them from the merged rows.
--
-- Example query (ClickHouse picks the projection by itself):
--   SELECT seq, occurred_at, actor, resource, outcome, error FROM audit_log
--   WHERE org = 'acme' AND seq IN (41, 977, 10452);
ALTER TABLE audit_log MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE audit_log
    ADD PROJECTION IF NOT EXISTS audit_rows_by_seq
    (
        SELECT org, seq, event_id, workspace, instance, occurred_at, action, actor, resource, decision, outcome,
               latency_us, arguments, response, error, trace_id
        ORDER BY org, seq
    )
    WITH SETTINGS (index_granularity = 256);

-- Rows written before this migration (a mutation; harmless when repeated).
ALTER TABLE audit_log MATERIALIZE PROJECTION audit_rows_by_seq;
