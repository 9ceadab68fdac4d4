-- What the call trace (GET /v1/orgs/{org}/invocations/{event_id}) needs from
-- tool_invocations:
--
-- kafka_at: the Kafka message timestamp of the call event, as the worker read
-- it. It splits the lag of a call into gateway (emitted_at - started_at),
-- Kafka (kafka_at - emitted_at) and pipeline (stored_at - kafka_at). It is
-- the broker's append time when the topic uses message.timestamp.type =
-- LogAppendTime, otherwise the producer's create time (Kafka's default): then
-- the Kafka part is the gateway's send delay and the broker's part falls into
-- the pipeline figure. Part of the log, so a replay writes the same value.
-- Null for rows stored before this migration.
--
-- event_id_bloom: one call by id without knowing its labels or time: a bloom
-- filter over event_id skips the granules that cannot hold it. Parts written
-- before this migration get the index when they are merged (or at once with
-- ALTER TABLE tool_invocations MATERIALIZE INDEX event_id_bloom).
--
-- Example query:
--   -- the lag split of the slowest-to-arrive calls of the last hour, in milliseconds
--   SELECT event_id, dateDiff('millisecond', started_at, emitted_at) AS gateway_ms,
--          dateDiff('millisecond', emitted_at, kafka_at) AS kafka_ms,
--          dateDiff('millisecond', kafka_at, stored_at) AS pipeline_ms
--   FROM tool_invocations FINAL
--   WHERE org = 'acme' AND started_at >= now64(3) - INTERVAL 1 HOUR
--   ORDER BY dateDiff('millisecond', started_at, stored_at) DESC LIMIT 20;
ALTER TABLE tool_invocations ADD COLUMN IF NOT EXISTS kafka_at Nullable(DateTime64(3, 'UTC'))
    COMMENT 'Kafka message timestamp of the event (broker append time with LogAppendTime topics, else producer create time); null before migration 017';
ALTER TABLE tool_invocations ADD INDEX IF NOT EXISTS event_id_bloom event_id TYPE bloom_filter(0.001) GRANULARITY 1;
