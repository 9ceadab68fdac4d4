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
--   SELECT event_id, emitted_at - started_at AS gateway, kafka_at - emitted_at AS kafka,
--          stored_at - kafka_at AS pipeline
--   FROM tool_invocations FINAL WHERE org = 'acme' AND event_id = '0192f3c4-...';
ALTER TABLE tool_invocations ADD COLUMN IF NOT EXISTS kafka_at Nullable(DateTime64(3, 'UTC'))
    COMMENT 'Kafka message timestamp of the event (broker append time with LogAppendTime topics, else producer create time); null before migration 017';
ALTER TABLE tool_invocations ADD INDEX IF NOT EXISTS event_id_bloom event_id TYPE bloom_filter(0.001) GRANULARITY 1;
