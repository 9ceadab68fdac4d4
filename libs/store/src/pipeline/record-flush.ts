// Records a worker flush: per-partition progress and the messages it
// dead-lettered. Both tables are keyed by position, so a replayed flush
// rewrites the same keys instead of adding to them.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

export interface PartitionProgress {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to read, as a decimal string. */
  readonly committedOffset: string;
  readonly highWatermark: string;
  readonly ingestLagMs: number;
}

export interface DeadLetterRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly code: string;
  readonly reason: string;
}

export interface FlushRecord {
  readonly consumer: string;
  /** Epoch ms. */
  readonly storedAt: number;
  readonly partitions: readonly PartitionProgress[];
  readonly deadLetters: readonly DeadLetterRecord[];
}

export async function recordFlush(store: Store, r: FlushRecord): Promise<void> {
  try {
    if (r.deadLetters.length) {
      await store.client.insert({
        table: 'dead_letters',
        columns: ['consumer', 'topic', 'partition', 'offset', 'code', 'reason', 'dead_at'],
        values: r.deadLetters.map((d) => [r.consumer, d.topic, d.partition, d.offset, d.code, d.reason, r.storedAt]),
        format: 'JSONCompactEachRow',
      });
    }
    if (r.partitions.length) {
      await store.client.insert({
        table: 'pipeline_progress',
        columns: ['consumer', 'topic', 'partition', 'committed_offset', 'high_watermark', 'ingest_lag_ms', 'updated_at'],
        values: r.partitions.map((p) => [
          r.consumer,
          p.topic,
          p.partition,
          p.committedOffset,
          p.highWatermark,
          Math.max(0, Math.round(p.ingestLagMs)),
          r.storedAt,
        ]),
        format: 'JSONCompactEachRow',
      });
    }
  } catch (err) {
    throw toStoreError(err, `recording a flush of ${r.consumer}`);
  }
}
