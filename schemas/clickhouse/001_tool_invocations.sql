-- One row per tool call (raw samples tier: 30 days).
--
-- Written by the rollup-worker from mcpg.calls.v1 with at-least-once delivery,
-- so the same event can be inserted more than once. ReplacingMergeTree folds
-- duplicates that share the sorting key; every key column comes from the event
-- itself (never from the time of insert), so a re-delivered event lands on the
-- same key. Until a merge runs, duplicates are visible: exact counts read with
-- FINAL (see the example queries below).
--
-- Example queries (add FINAL for exact counts):
--   -- calls and errors per tool for one org, last 24 hours
--   SELECT workspace, plugin, tool, count() AS calls,
--          countIf(outcome IN ('error', 'timeout')) AS errors
--   FROM tool_invocations FINAL
--   WHERE org = 'acme' AND started_at >= now64(3) - INTERVAL 1 DAY
--   GROUP BY workspace, plugin, tool ORDER BY calls DESC;
--   -- slowest calls of a tool
--   SELECT started_at, duration_us / 1000 AS ms, actor, trace_id
--   FROM tool_invocations FINAL
--   WHERE org = 'acme' AND plugin = 'github' AND tool = 'search'
--   ORDER BY duration_us DESC LIMIT 20;
--   -- how often the same (masked) error happens
--   SELECT error_code, error_hash, count() FROM tool_invocations FINAL
--   WHERE org = 'acme' AND outcome = 'error' GROUP BY error_code, error_hash ORDER BY count() DESC;
CREATE TABLE IF NOT EXISTS tool_invocations
(
    event_id         String                   COMMENT 'Event id from the gateway; unique per call, the dedup key',
    org              LowCardinality(String)   COMMENT 'Organisation (tenant)',
    workspace        LowCardinality(String)   COMMENT 'Workspace within the org',
    instance         LowCardinality(String)   COMMENT 'Gateway instance that handled the call',
    plugin           LowCardinality(String)   COMMENT 'Upstream MCP server (plugin) the tool belongs to',
    tool             LowCardinality(String)   COMMENT 'Tool name without the plugin__ namespace prefix',
    actor            String                   COMMENT 'Who called: user or agent identity as the gateway authenticated it',
    source           Enum8('mcp' = 1, 'sandbox' = 2, 'skill' = 3) COMMENT 'Where the call came from: an MCP client, a sandbox, a skill',
    started_at       DateTime64(3, 'UTC')     COMMENT 'When the gateway received the call (gateway clock, UTC)',
    emitted_at       DateTime64(3, 'UTC')     COMMENT 'When the gateway emitted the event (gateway clock, UTC)',
    stored_at        DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'When this row was inserted (ClickHouse clock); stored_at - emitted_at is pipeline lag. The only column not derived from the event',
    duration_us      UInt64                   COMMENT 'Call duration in microseconds',
    outcome          Enum8('ok' = 1, 'error' = 2, 'denied' = 3, 'timeout' = 4, 'cancelled' = 5) COMMENT 'ok; error (tool or upstream failed); denied (policy); timeout; cancelled (by the client)',
    error_code       LowCardinality(String)   COMMENT 'Machine-readable error code; empty when none',
    error_hash       String                   COMMENT 'BLAKE3 hex of the masked error message; empty when none. The text itself is never stored',
    tokens_in        UInt64                   COMMENT 'Tokens sent to the tool (arguments)',
    tokens_out       UInt64                   COMMENT 'Tokens returned by the tool (result)',
    trace_id         String                   COMMENT 'W3C trace id (32 hex), empty when not traced',
    span_id          String                   COMMENT 'W3C span id (16 hex) of the call span',
    policy_decision  Enum8('permit' = 1, 'deny' = 2, 'permit_with_obligations' = 3) COMMENT 'Policy decision for the call',
    policy_rule_id   String                   COMMENT 'Id of the policy rule that decided; empty for the default',
    source_partition UInt16                   COMMENT 'Kafka partition of the event (mcpg.calls.v1)',
    source_offset    UInt64                   COMMENT 'Kafka offset of the event within its partition'
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(started_at)
ORDER BY (org, workspace, plugin, tool, started_at, event_id)
TTL toDateTime(started_at) + INTERVAL 30 DAY
COMMENT 'One row per MCP tool call (raw samples, kept 30 days). Duplicates from re-delivery are folded by ReplacingMergeTree on the sorting key: use FINAL for exact counts. Error messages only as BLAKE3 hashes.';
