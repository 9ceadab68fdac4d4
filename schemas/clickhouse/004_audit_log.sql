-- The audit ledger's rows (audit tier: 7 years), appended by the ledger-worker
-- from mcpg.audit.v1. One row per audit event, numbered per org by `seq` (its
-- leaf index in the org's Merkle tree, libs/ledger/README.md). The columns
-- event_id .. trace_id are the ledger row exactly as hashed: no trimming,
-- normalisation or defaults, nullable fields stay NULL (NULL and '' hash
-- differently). Searching or indexing may add columns; it must never change
-- these.
--
-- Writes are idempotent: a restarted worker re-appends the same rows with the
-- same seq and hashes; ReplacingMergeTree folds such copies on merge (the sort
-- key is a function of (org, seq), because occurred_at belongs to the row).
--
-- Example queries:
--   -- the newest 50 tool calls that failed in one workspace
--   SELECT occurred_at, actor, resource, outcome, error FROM audit_log
--   WHERE org = 'acme' AND workspace = 'prod' AND action = 'tool.call' AND outcome != 'ok'
--   ORDER BY occurred_at DESC, seq DESC LIMIT 50;
--   -- policy denials per actor, last 7 days
--   SELECT actor, count() FROM audit_log
--   WHERE org = 'acme' AND decision = 'deny' AND occurred_at >= now64(3) - INTERVAL 7 DAY
--   GROUP BY actor ORDER BY count() DESC;
--   -- a row with the hashes an auditor checks (leaf = SHA-256(0x00 || canonical row))
--   SELECT seq, leaf_hash, prev_hash FROM audit_log FINAL WHERE org = 'acme' AND seq = 41;
CREATE TABLE IF NOT EXISTS audit_log
(
    org              LowCardinality(String)   COMMENT 'Organisation (tenant): one ledger per org',
    seq              UInt64                   COMMENT 'Position in the org ledger from 0: the Merkle leaf index',
    event_id         String                   COMMENT 'Event id from the gateway',
    workspace        LowCardinality(String)   COMMENT 'Workspace within the org',
    instance         LowCardinality(String)   COMMENT 'Gateway instance that recorded the event',
    occurred_at      DateTime64(3, 'UTC')     COMMENT 'When it happened (gateway clock, millisecond precision)',
    action           LowCardinality(String)   COMMENT 'Dotted action: tool.call, policy.deny, plugin.crashed, operator.config_change, ...',
    actor            String                   COMMENT 'Who acted (user, agent or service identity)',
    resource         String                   COMMENT 'What the action touched, e.g. server__tool',
    decision         LowCardinality(String)   COMMENT 'Policy decision: none, permit, deny, permit_with_obligations (text, so new symbols fit)',
    outcome          LowCardinality(String)   COMMENT 'ok, error, denied, timeout, cancelled (text, so new symbols fit)',
    latency_us       Nullable(Int64)          COMMENT 'Duration in microseconds, if the action has one',
    arguments        Nullable(String)         COMMENT 'Masked JSON of the arguments (secrets replaced by [REDACTED:kind])',
    response         Nullable(String)         COMMENT 'Masked response text',
    error            Nullable(String)         COMMENT 'Masked error text',
    trace_id         Nullable(String)         COMMENT 'W3C trace id of the call',
    leaf_hash        String                   COMMENT 'Lower-case hex SHA-256(0x00 || canonical row): the Merkle leaf, stored at append time',
    prev_hash        String                   COMMENT 'Lower-case hex chain head before this row (genesis for seq 0)',
    source_partition UInt16                   COMMENT 'Kafka partition of mcpg.audit.v1 the event came from (not hashed)',
    source_offset    UInt64                   COMMENT 'Kafka offset of the event (not hashed)'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYear(occurred_at)
ORDER BY (org, occurred_at, seq)
TTL toDateTime(occurred_at) + INTERVAL 7 YEAR
COMMENT 'Audit ledger rows, one per audit event, per-org seq; hashes verify offline with mcpg verify.';
