-- The audit ledger besides its rows (004_audit_log): signed checkpoints, the
-- Merkle node hashes that serve proofs, and the ledger-worker's resume state.
-- All three are written by the ledger-worker (README.md, "Audit ledger");
-- everything in them is a pure function of mcpg.audit.v1, so a replay writes
-- the same rows again and ReplacingMergeTree folds the copies.
--
-- Example queries:
--   -- the latest signed checkpoint of an org (the note is what an auditor verifies)
--   SELECT tree_size, root, event_time, key_name, key_id, note FROM audit_checkpoints FINAL
--   WHERE org = 'acme' ORDER BY tree_size DESC LIMIT 1;
--   -- checkpoint history: segments, why each closed, and which key signed it
--   SELECT first_seq, last_seq, tree_size, closed_by, event_time, key_id FROM audit_checkpoints FINAL
--   WHERE org = 'acme' ORDER BY tree_size;
--   -- which key signed how many checkpoints, and over which event times (rotation audit)
--   SELECT key_name, key_id, count() AS checkpoints, min(event_time), max(event_time)
--   FROM audit_checkpoints FINAL WHERE org = 'acme' GROUP BY key_name, key_id ORDER BY min(event_time);
--   -- Merkle node (level L, index I) of an org: stored with the leaf that completed it,
--   -- seq = (I + 1) * 2^L - 1, at position L + 1 of `nodes` (level 0 is the leaf hash)
--   SELECT nodes[3] FROM audit_merkle_nodes WHERE org = 'acme' AND seq = (5 + 1) * pow(2, 2) - 1;
--   -- how far the ledger-worker got per org (rows appended, Kafka position)
--   SELECT org, argMax(tree_size, next_offset) AS rows, max(next_offset) AS resume_offset
--   FROM audit_ledger_state GROUP BY org ORDER BY org;

CREATE TABLE IF NOT EXISTS audit_checkpoints
(
    org          LowCardinality(String)   COMMENT 'Organisation whose ledger this checkpoint signs',
    tree_size    UInt64                   COMMENT 'Rows covered: seq 0 .. tree_size - 1',
    first_seq    UInt64                   COMMENT 'First seq of the segment this checkpoint closed (the previous checkpoint size)',
    last_seq     UInt64                   COMMENT 'Last seq of the segment (tree_size - 1)',
    root         String                   COMMENT 'Lower-case hex Merkle root (RFC 9162 MTH) at tree_size',
    chain_head   String                   COMMENT 'Lower-case hex chain head after row last_seq',
    event_time   DateTime64(3, 'UTC')     COMMENT 'occurred_at of row last_seq: the event time the checkpoint is signed at (never the wall clock)',
    closed_by    LowCardinality(String)   COMMENT 'Why the segment closed: rows (row-count boundary) or time (the next row fell in a later event-time bucket)',
    key_name     String                   COMMENT 'Name of the signing key (the note signature line)',
    key_id       String                   COMMENT 'Key id of the signing key, 8 lower-case hex digits',
    signature    String                   COMMENT 'Base64 of key id || Ed25519 signature, as in the note signature line',
    note         String                   COMMENT 'The signed note exactly as signed (C2SP tlog-checkpoint); verify this text, not the columns'
)
ENGINE = ReplacingMergeTree
ORDER BY (org, tree_size)
TTL toDateTime(event_time) + INTERVAL 7 YEAR
COMMENT 'Signed checkpoints of the per-org audit ledger; verify with the public keyring (mcpg verify).';

CREATE TABLE IF NOT EXISTS audit_merkle_nodes
(
    org    LowCardinality(String)   COMMENT 'Organisation of the ledger',
    seq    UInt64                   COMMENT 'Leaf whose append completed these nodes',
    nodes  Array(String)            COMMENT 'Lower-case hex perfect-node hashes completed by appending leaf seq: nodes[L + 1] is node (level L, index seq >> L); nodes[1] is the leaf hash'
)
ENGINE = ReplacingMergeTree
ORDER BY (org, seq)
COMMENT 'Perfect Merkle node hashes for inclusion and consistency proofs: O(log n) primary-key lookups per proof.';

CREATE TABLE IF NOT EXISTS audit_ledger_state
(
    org               LowCardinality(String)   COMMENT 'Organisation of the ledger',
    source_partition  UInt16                   COMMENT 'Partition of mcpg.audit.v1 that holds the org (key = org)',
    next_offset       UInt64                   COMMENT 'Every event of the org before this offset is folded into this state: the version',
    tree_size         UInt64                   COMMENT 'Rows appended so far (the seq of the next row)',
    frontier          Array(String)            COMMENT 'Lower-case hex compact-range hashes (perfect subtree roots, largest first)',
    chain_head        String                   COMMENT 'Lower-case hex chain head after the last row',
    last_event_time   Int64                    COMMENT 'occurred_at (epoch ms) of the last row; 0 while empty',
    checkpoint_size   UInt64                   COMMENT 'tree_size of the last checkpoint',
    segment_bucket    Nullable(Int64)          COMMENT 'Latest event-time bucket (occurred_at / segment seconds) among the rows after the last checkpoint; NULL when there are none'
)
ENGINE = ReplacingMergeTree(next_offset)
ORDER BY org
COMMENT 'Ledger-worker resume state per org; the highest next_offset is current. Derived: a rebuild from offset 0 recreates it.';
