-- Search pages (libs/store audit queries) serve their rows from
-- audit_rows_json (014), a copy that the ledger does not cover: editing only
-- the copy would change what a page shows while the ledger still verifies.
-- So a page recomputes each row's leaf hash from the fields it is about to
-- serve and compares it with the leaf_hash stored beside the ledger's own
-- row in audit_log (which mcpg verify and /audit/verify check against the
-- rows and the signed roots). This projection holds just (org, seq,
-- leaf_hash) in granules of 256 rows by (org, seq), so that check reads one
-- small granule of one hash column per row instead of an 8,192-row granule
-- of audit_log.
--
-- A projection is kept by ClickHouse from audit_log's own rows: it cannot be
-- edited apart from them, and nothing hashed or signed changes.
--
-- Example query (ClickHouse picks the projection by itself, or when asked
-- with preferred_optimize_projection_name):
--   SELECT seq, leaf_hash FROM audit_log WHERE org = 'acme' AND seq IN (41, 977, 10452);
ALTER TABLE audit_log
    ADD PROJECTION IF NOT EXISTS audit_leaf_by_seq
    (
        SELECT org, seq, leaf_hash
        ORDER BY org, seq
    )
    WITH SETTINGS (index_granularity = 256);

-- Rows written before this migration (a mutation; harmless when repeated).
ALTER TABLE audit_log MATERIALIZE PROJECTION audit_leaf_by_seq;
