// Pipeline health for the fleet endpoint: where every worker group is on every
// partition, and how many messages it dead-lettered.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

export interface PartitionHealth {
  readonly consumer: string;
  readonly topic: string;
  readonly partition: number;
  readonly committedOffset: number;
  readonly backlog: number;
  readonly ingestLagMs: number;
  /** Epoch seconds of the last flush. */
  readonly updatedAt: number;
}

export interface DeadLetterCount {
  readonly consumer: string;
  readonly topic: string;
  /** Why: the error code the worker gave (BAD_MAGIC, INVALID_CALL, …). */
  readonly code: string;
  readonly count: number;
}

export interface PipelineHealth {
  readonly partitions: readonly PartitionHealth[];
  readonly deadLetters: readonly DeadLetterCount[];
}

const PROGRESS_SQL = `
SELECT consumer, topic, partition, committed_offset,
       greatest(high_watermark, committed_offset) - committed_offset AS backlog,
       ingest_lag_ms, toUnixTimestamp64Milli(updated_at) / 1000 AS updated_at
FROM pipeline_progress FINAL
ORDER BY consumer, topic, partition`;

const DEAD_SQL = `
SELECT consumer, topic, code, count() AS n
FROM dead_letters FINAL
GROUP BY consumer, topic, code
ORDER BY consumer, topic, code`;

type Num = string | number;

export async function queryPipelineHealth(store: Store): Promise<PipelineHealth> {
  try {
    const [progress, dead] = await Promise.all([
      store.client.query({ query: PROGRESS_SQL, format: 'JSONEachRow' }).then((rs) =>
        rs.json<{ consumer: string; topic: string; partition: Num; committed_offset: Num; backlog: Num; ingest_lag_ms: Num; updated_at: Num }>(),
      ),
      store.client.query({ query: DEAD_SQL, format: 'JSONEachRow' }).then((rs) => rs.json<{ consumer: string; topic: string; code: string; n: Num }>()),
    ]);
    return {
      partitions: progress.map((r) => ({
        consumer: r.consumer,
        topic: r.topic,
        partition: Number(r.partition),
        committedOffset: Number(r.committed_offset),
        backlog: Number(r.backlog),
        ingestLagMs: Number(r.ingest_lag_ms),
        updatedAt: Number(r.updated_at),
      })),
      deadLetters: dead.map((r) => ({ consumer: r.consumer, topic: r.topic, code: r.code, count: Number(r.n) })),
    };
  } catch (err) {
    throw toStoreError(err, 'querying pipeline health');
  }
}
