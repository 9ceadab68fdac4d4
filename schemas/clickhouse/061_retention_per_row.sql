-- Retention per row, by the org's plan (docs/operations.md "Retention").
-- Each table of a plan's data classes gets retention_days, the window of the
-- row's class in its org's plan, set by the writer at insert; the table's TTL
-- reads it, so ClickHouse drops expired rows in its own merges (and whole
-- parts once every row in them has expired). A plan change re-applies the new
-- window to the org's stored rows with one mutation per table:
--   ALTER TABLE tool_invocations UPDATE retention_days = 90
--   WHERE org = 'acme' AND retention_days != 90;
-- which rewrites only this small column of the org's parts and recomputes
-- their TTL: a downgrade deletes what is now past its window at once, an
-- upgrade keeps what is still there (rows already gone stay gone).
--
-- The defaults are the tiers every org had before plans (the enterprise
-- plan), so rows written before this migration, or by a writer that does not
-- set the column, keep their old lifetime; the MODIFY TTL below changes
-- nothing stored. Measured alternatives (BENCHMARKS.md, "Retention"): a TTL
-- reading a dictionary of plans is refused (dictGet is not deterministic), a
-- dictionary in a DEFAULT needs the database's name in the migration, and a
-- periodic ALTER ... DELETE per org rewrites whole parts on every run.
--
-- Example query:
--   -- how many rows of each org each window keeps
--   SELECT org, retention_days, count() FROM tool_invocations GROUP BY org, retention_days;
ALTER TABLE tool_invocations ADD COLUMN IF NOT EXISTS retention_days UInt16 DEFAULT 30
    COMMENT 'Days this call is kept (class samples of the org plan), set at insert; the TTL reads it';
ALTER TABLE tool_invocations MODIFY TTL toDateTime(started_at) + toIntervalDay(retention_days);

ALTER TABLE tool_rollups_1m ADD COLUMN IF NOT EXISTS retention_days UInt16 DEFAULT 90
    COMMENT 'Days this minute row is kept (class rollups_1m of the org plan), set at insert; the TTL reads it';
ALTER TABLE tool_rollups_1m MODIFY TTL minute + toIntervalDay(retention_days);

ALTER TABLE tool_rollups_1h ADD COLUMN IF NOT EXISTS retention_days UInt16 DEFAULT 180
    COMMENT 'Days this hour digest is kept (class rollups_1h of the org plan), set at insert; the TTL reads it';
ALTER TABLE tool_rollups_1h MODIFY TTL hour + toIntervalDay(retention_days);

ALTER TABLE tool_totals_1h ADD COLUMN IF NOT EXISTS retention_days UInt16 DEFAULT 180
    COMMENT 'Days this hour total is kept (class rollups_1h of the org plan), set at insert; the TTL reads it';
ALTER TABLE tool_totals_1h MODIFY TTL hour + toIntervalDay(retention_days);

ALTER TABLE tool_rollups_1d ADD COLUMN IF NOT EXISTS retention_days UInt16 DEFAULT 2557
    COMMENT 'Days this day digest is kept (class rollups_1d of the org plan; 2557 = 7 years), set at insert; the TTL reads it';
ALTER TABLE tool_rollups_1d MODIFY TTL day + toIntervalDay(retention_days);

-- Audit rows leave only by whole signed segments (pruneLedger), never row by
-- row: a row TTL would cut holes into the chain wherever gateway clocks
-- disagree with the ledger's order. ClickHouse cannot drop a TTL
-- idempotently (a second REMOVE TTL fails), so the row TTLs of the ledger
-- tables become an 80-year backstop beyond any plan (plans give at most 50
-- years); signed checkpoints are kept for good within it (a verifier needs
-- every one). Date, not DateTime: DateTime ends in 2106, Date in 2149.
ALTER TABLE audit_log MODIFY TTL toDate(occurred_at) + INTERVAL 80 YEAR;
ALTER TABLE audit_rows_json MODIFY TTL toDate(occurred_at) + INTERVAL 80 YEAR;
ALTER TABLE audit_checkpoints MODIFY TTL toDate(event_time) + INTERVAL 80 YEAR;
