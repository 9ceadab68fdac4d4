-- Proofs read a handful of Merkle node rows by (org, seq) from
-- audit_merkle_nodes (005): an inclusion proof at 10M leaves names ~24 nodes,
-- about half of them in rows far apart. The table stores 8,192 rows per
-- granule and ClickHouse reads whole granules, so each such node cost a
-- granule of hex hashes (~1 MB). This projection holds the same rows in
-- granules of 256, so a proof reads ~13 small granules instead. Measured at
-- 10M leaves (bench/ledger-proofs.ts, storedInclusionProof, load ~8):
-- p50 64 -> 25 ms, p99 745 -> 62 ms; the projection is about the size of the
-- table again (1.21 GiB next to 1.23 GiB).
--
-- Derived data kept by ClickHouse: nothing hashed or signed changes.
-- ReplacingMergeTree accepts projections only when told what to do with them
-- when a merge folds duplicate rows: rebuild them from the merged rows.
--
-- Example query (ClickHouse picks the projection by itself): the nodes of
-- level 0 and 1 stored with leaf 1 of an org, and with leaf 3
--   SELECT seq, nodes FROM audit_merkle_nodes WHERE org = 'acme' AND seq IN (1, 3);
ALTER TABLE audit_merkle_nodes MODIFY SETTING deduplicate_merge_projection_mode = 'rebuild';

ALTER TABLE audit_merkle_nodes
    ADD PROJECTION IF NOT EXISTS audit_merkle_nodes_by_seq
    (
        SELECT org, seq, nodes
        ORDER BY org, seq
    )
    WITH SETTINGS (index_granularity = 256);

-- Rows written before this migration (a mutation; harmless when repeated).
ALTER TABLE audit_merkle_nodes MATERIALIZE PROJECTION audit_merkle_nodes_by_seq;
