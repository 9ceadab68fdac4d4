-- The ledger-worker's resume point per org since audit events are re-partitioned
-- by mcpg (mcpg.audit.v1 -> mcpg.audit.by-org.v1, see libs/ledger/README.md).
-- It replaces audit_ledger_state (005), whose single (partition, offset) could
-- not describe an org whose producers put it in more than one partition of
-- mcpg.audit.v1. The worker reads a state here first and falls back to
-- audit_ledger_state for an org that has none yet, so an upgraded deployment
-- goes on from where it stood.
--
-- source_partitions / source_next_offsets (parallel, ascending by partition):
-- every event of the org before source_next_offsets[i] in partition
-- source_partitions[i] of mcpg.audit.v1 is folded in. A routed event at an
-- earlier source position is a duplicate (the router re-sent it after a crash)
-- and is skipped. tree_size grows with every state change, so it is the
-- version: the highest is current, and two states of the same size are equal.
--
-- Example query:
--   -- how far each org's ledger has read, per source partition
--   SELECT org, tree_size, arrayZip(source_partitions, source_next_offsets) AS read_up_to
--   FROM audit_ledger_heads FINAL ORDER BY org;
CREATE TABLE IF NOT EXISTS audit_ledger_heads
(
    org                 LowCardinality(String) COMMENT 'Organisation of the ledger',
    routed_partition    UInt16                 COMMENT 'Partition of mcpg.audit.by-org.v1 the org is folded from (one writer per org chain)',
    source_partitions   Array(UInt16)          COMMENT 'Partitions of mcpg.audit.v1 the org has events in, ascending',
    source_next_offsets Array(UInt64)          COMMENT 'Per source partition (parallel): every event of the org before this offset is folded in',
    tree_size           UInt64                 COMMENT 'Rows appended so far (the seq of the next row): the version',
    frontier            Array(String)          COMMENT 'Lower-case hex compact-range hashes (perfect subtree roots, largest first)',
    chain_head          String                 COMMENT 'Lower-case hex chain head after the last row',
    last_event_time     Int64                  COMMENT 'occurred_at (epoch ms) of the last row; 0 while empty',
    checkpoint_size     UInt64                 COMMENT 'tree_size of the last checkpoint',
    segment_bucket      Nullable(Int64)        COMMENT 'Latest event-time bucket (occurred_at / segment seconds) among the rows after the last checkpoint; NULL when there are none'
)
ENGINE = ReplacingMergeTree(tree_size)
ORDER BY org
COMMENT 'Ledger-worker resume state per org; the highest tree_size is current. Derived: a rebuild from offset 0 recreates it.';
