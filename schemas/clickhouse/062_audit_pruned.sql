-- What is left of an org's ledger rows that expired under its retention plan
-- (docs/operations.md "Retention", docs/ledger-format.md §10). Rows leave the
-- ledger only as a prefix of whole signed segments: rows 0 .. tree_size - 1,
-- where tree_size is a signed checkpoint's size. In their place this keeps the
-- perfect subtree hashes that cover them (the compact range of
-- [0, tree_size)), which must reproduce that checkpoint's signed root, so an
-- export that starts at tree_size verifies with the public key alone.
-- Signed checkpoints (audit_checkpoints) and the Merkle nodes
-- (audit_merkle_nodes) are all kept: proofs of retained rows read them.
--
-- Example query:
--   -- how much of each org's ledger was pruned, and when
--   SELECT org, tree_size AS pruned_rows, length(frontier) AS hashes_kept, pruned_at
--   FROM audit_pruned FINAL ORDER BY org;
CREATE TABLE IF NOT EXISTS audit_pruned
(
    org        LowCardinality(String)  COMMENT 'Organisation of the ledger',
    tree_size  UInt64                  COMMENT 'Rows 0 .. tree_size - 1 were pruned; a signed checkpoint size. The version: the highest is current',
    frontier   Array(String)           COMMENT 'Lower-case hex perfect subtree roots of [0, tree_size), largest first: they reproduce the signed root at tree_size',
    cutoff     DateTime64(3, 'UTC')    COMMENT 'Every pruned row occurred before this (now minus the audit window of the org plan when pruned)',
    pruned_at  DateTime64(3, 'UTC')    COMMENT 'When the pruning ran (wall clock; not part of anything signed)'
)
ENGINE = ReplacingMergeTree(tree_size)
ORDER BY org
COMMENT 'The pruned prefix of each org ledger: its size and the subtree hashes that stand in for its rows. Never edit: the verifier checks them against the signed root.';
