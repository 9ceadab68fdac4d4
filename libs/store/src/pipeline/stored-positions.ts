// How far the stored rows of a topic go, per partition: the highest position
// any worker recorded for it in pipeline_progress (which never moves back).
// A worker compares it with the log's end at start: a log that ends before it
// is not the log these tables were built from.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';

/** Partition → the highest committed offset any consumer stored for it (decimal string). */
export async function queryStoredPositions(store: Store, topic: string): Promise<Map<number, string>> {
  try {
    const rs = await store.client.query({
      query: `SELECT partition, toString(max(committed_offset)) AS stored
              FROM pipeline_progress FINAL WHERE topic = {topic:String} GROUP BY partition`,
      query_params: { topic },
      format: 'JSONEachRow',
    });
    const rows = await rs.json<{ partition: number; stored: string }>();
    return new Map(rows.map((r) => [r.partition, r.stored]));
  } catch (err) {
    throw toStoreError(err, `reading the stored positions of ${topic}`);
  }
}
