// Pipeline health as Prometheus text: how far each worker group has come on
// each partition, its backlog and lag, and its dead letters. Fleet-wide (the
// pipeline is shared by all orgs), served with every org's exposition so one
// scrape job sees both the tools and the pipeline that counts them.
import { labelRenderer, type ExpositionWriter } from '@mcpg/exposition';
import type { PipelineHealth } from '@mcpg/store';

const byTopic = labelRenderer(['consumer', 'topic']);
const byPartition = labelRenderer(['consumer', 'topic', 'partition']);
const byConsumer = labelRenderer(['consumer']);
const byReason = labelRenderer(['consumer', 'topic', 'reason']);

export function writePipelineHealth(w: ExpositionWriter, h: PipelineHealth): void {

  const processed = new Map<string, { consumer: string; topic: string; n: number }>();
  const lag = new Map<string, number>();
  for (const p of h.partitions) {
    const k = `${p.consumer}\u0000${p.topic}`;
    const t = processed.get(k) ?? { consumer: p.consumer, topic: p.topic, n: 0 };
    t.n += p.committedOffset;
    processed.set(k, t);
    lag.set(p.consumer, Math.max(lag.get(p.consumer) ?? 0, p.ingestLagMs));
  }

  w.family({
    name: 'mcpg_pipeline_events_processed_total',
    help: 'Messages a worker group has stored and committed (the sum of its committed offsets).',
    type: 'counter',
  });
  for (const t of processed.values()) w.sample(byTopic([t.consumer, t.topic]), t.n);

  w.family({
    name: 'mcpg_pipeline_dead_letters_total',
    help: 'Messages a worker group could not read and sent to mcpg.deadletter.v1 (see the dead_letters table for reasons).',
    type: 'counter',
  });
  const deadByTopic = new Map<string, { consumer: string; topic: string; n: number }>();
  for (const d of h.deadLetters) {
    const k = `${d.consumer}\u0000${d.topic}`;
    const t = deadByTopic.get(k) ?? { consumer: d.consumer, topic: d.topic, n: 0 };
    t.n += d.count;
    deadByTopic.set(k, t);
  }
  for (const t of deadByTopic.values()) w.sample(byTopic([t.consumer, t.topic]), t.n);

  w.family({
    name: 'mcpg_rejected_events_total',
    help: 'Dead-lettered messages by reason (error code): undecodable bytes, unknown schemas, events that fail validation.',
    type: 'counter',
  });
  for (const d of h.deadLetters) w.sample(byReason([d.consumer, d.topic, d.code]), d.count);

  w.family({
    name: 'mcpg_pipeline_partition_backlog_messages',
    help: 'Messages in the partition after the committed offset, as of the last flush.',
    type: 'gauge',
  });
  for (const p of h.partitions) w.sample(byPartition([p.consumer, p.topic, String(p.partition)]), p.backlog);

  w.family({
    name: 'mcpg_pipeline_last_processed_timestamp_seconds',
    help: 'When the worker group last stored messages of the partition (Unix time).',
    type: 'gauge',
  });
  for (const p of h.partitions) w.sample(byPartition([p.consumer, p.topic, String(p.partition)]), p.updatedAt);

  w.family({
    name: 'mcpg_pipeline_ingest_lag_seconds',
    help: 'Produce-to-stored lag of the oldest message in the last flush, worst partition.',
    type: 'gauge',
  });
  for (const [consumer, ms] of lag) w.sample(byConsumer([consumer]), ms / 1000);
}
