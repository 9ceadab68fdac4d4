-- Pipeline health, written by every worker with each flush (after its rows are
-- stored, before the offsets are committed), read by the fleet endpoint as
-- mcpg_pipeline_* metrics.
--
-- Example queries:
--   -- where each worker is, per partition, and how far behind
--   SELECT consumer, topic, partition, committed_offset, high_watermark - committed_offset AS backlog,
--          ingest_lag_ms, updated_at
--   FROM pipeline_progress FINAL ORDER BY consumer, topic, partition;
--   -- why messages were dead-lettered
--   SELECT consumer, code, count() AS n, any(reason) AS example
--   FROM dead_letters FINAL GROUP BY consumer, code ORDER BY n DESC;

CREATE TABLE IF NOT EXISTS pipeline_progress
(
    consumer         LowCardinality(String) COMMENT 'Consumer group of the worker (e.g. mcpg-rollup)',
    topic            LowCardinality(String) COMMENT 'Kafka topic',
    partition        UInt16                 COMMENT 'Kafka partition',
    committed_offset UInt64                 COMMENT 'Next offset to read: every message before it is stored. Also the count of messages processed',
    high_watermark   UInt64                 COMMENT 'Partition end offset when the last batch was fetched; high_watermark - committed_offset is the backlog',
    ingest_lag_ms    UInt64                 COMMENT 'At the last flush: storing time minus the produce time of its oldest message',
    updated_at       DateTime64(3, 'UTC')   COMMENT 'When the worker stored its last flush for this partition'
)
ENGINE = ReplacingMergeTree(committed_offset)
ORDER BY (consumer, topic, partition)
COMMENT 'One row per worker group and partition: its committed position, backlog and lag. The row with the highest committed_offset wins (FINAL), so a restarted or zombie worker never moves it back.';

CREATE TABLE IF NOT EXISTS dead_letters
(
    consumer  LowCardinality(String) COMMENT 'Consumer group that could not read the message',
    topic     LowCardinality(String) COMMENT 'Topic the message came from',
    partition UInt16                 COMMENT 'Its partition',
    offset    UInt64                 COMMENT 'Its offset: the message itself is on mcpg.deadletter.v1',
    code      LowCardinality(String) COMMENT 'Error code (e.g. BAD_MAGIC, UNKNOWN_FINGERPRINT, INVALID_CALL)',
    reason    String                 COMMENT 'Why, in words (bounded length; never the message body)',
    dead_at   DateTime64(3, 'UTC')   COMMENT 'When the worker dead-lettered it'
)
ENGINE = ReplacingMergeTree
ORDER BY (consumer, topic, partition, offset)
COMMENT 'One row per dead-lettered message, keyed by its position so re-delivery counts it once. Kept without TTL: the counter mcpg_pipeline_dead_letters_total must never decrease.';
