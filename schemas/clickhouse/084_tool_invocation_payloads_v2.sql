-- Captured payloads of tool calls, sealed per org: the table 050 made, again,
-- with granules of at most 64 KiB (index_granularity_bytes) instead of the
-- default 10 MiB. A payload row is ~1.4 KB of base64 ciphertext per KB of
-- payload, so a default granule held ~7,000 payloads and opening one call
-- decompressed ~10 MB of other calls' ciphertext: decrypt-on-view's p99 was
-- 44 ms at 1M payloads. A 64 KiB granule holds a few dozen payloads. The cost
-- is a larger primary index (one mark per ~45 rows of 1 KB payloads: ~22k
-- marks per million payloads, ~1 MB of memory).
--
-- A granule size cannot be changed on an existing table (the setting is
-- read-only), and a projection with small granules is not chosen by the
-- optimizer for a lookup that reads one mark either way; hence a new table.
-- Writers insert here from 084 on; the payload route reads here first and
-- falls back to tool_invocation_payloads (050) for calls captured before, which
-- leave it by their TTL. Columns, key, TTL and exactly-once rules are 050's.
--
-- Example queries (no plaintext: sizes, versions and counts only):
--   -- captured payloads per field and key version for one org, last 24 hours
--   SELECT field, key_version, count() AS payloads, sum(original_bytes) AS bytes, countIf(truncated) AS cut
--   FROM tool_invocation_payloads_v2 FINAL
--   WHERE org = 'acme' AND started_at >= now64(3) - INTERVAL 1 DAY
--   GROUP BY field, key_version ORDER BY field, key_version;
--   -- which calls of a tool have a captured payload
--   SELECT i.event_id, i.started_at, i.outcome, p.field
--   FROM tool_invocations AS i FINAL
--   INNER JOIN (SELECT org, event_id, field FROM tool_invocation_payloads_v2 FINAL WHERE org = 'acme') AS p
--     ON p.org = i.org AND p.event_id = i.event_id
--   WHERE i.org = 'acme' AND i.plugin = 'github' AND i.started_at >= now64(3) - INTERVAL 1 HOUR
--   ORDER BY i.started_at DESC LIMIT 20;
CREATE TABLE IF NOT EXISTS tool_invocation_payloads_v2
(
    org              LowCardinality(String)   COMMENT 'Organisation (tenant) whose data key sealed the payload',
    event_id         String                   COMMENT 'event_id of the call in tool_invocations',
    field            Enum8('arguments' = 1, 'response' = 2) COMMENT 'arguments: what the client sent; response: what the upstream returned (both masked before sealing)',
    workspace        LowCardinality(String)   COMMENT 'Workspace within the org',
    instance         LowCardinality(String)   COMMENT 'Gateway instance that captured it',
    key_version      UInt32                   COMMENT 'Version of the org payload data key that sealed it (mcpg keys payload list)',
    nonce            String                   COMMENT 'base64 of the 96-bit AES-GCM nonce, random per payload',
    ciphertext       String                   COMMENT 'base64 of the AES-256-GCM ciphertext of the masked JSON (cut to the capture size cap)',
    tag              String                   COMMENT 'base64 of the 128-bit AES-GCM authentication tag',
    original_bytes   UInt64                   COMMENT 'Size of the masked JSON before the size cap, in bytes',
    truncated        Bool                     COMMENT 'The payload was cut to the size cap before sealing',
    started_at       DateTime64(3, 'UTC')     COMMENT 'When the gateway received the call (as tool_invocations.started_at)',
    stored_at        DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When this row was inserted (ClickHouse clock); the only column not derived from the event',
    source_partition UInt16                   COMMENT 'Kafka partition of the event (mcpg.payloads.v1)',
    source_offset    UInt64                   COMMENT 'Kafka offset of the event within its partition',
    retention_days   UInt16 DEFAULT 30        COMMENT 'Days this payload is kept (class payloads of the org plan), set at insert; the TTL reads it'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (org, event_id, field)
TTL toDateTime(started_at) + toIntervalDay(retention_days)
SETTINGS index_granularity_bytes = 65536
COMMENT 'Captured tool-call payloads, AES-256-GCM sealed per org (kept by the org plan, class payloads), in granules of at most 64 KiB so one call is a small read. Opened only by the query API payload route; duplicates from re-delivery fold on the sorting key: use FINAL. Rows sealed before migration 084 stay in tool_invocation_payloads until their TTL.';
