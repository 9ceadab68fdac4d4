// Every stored row is keyed by a position in the log (partition, offset): the
// ledger's resume state, the rollups' offset chunks. A log that starts again
// at offset 0 under the same name (the in-memory bus after a restart, a Kafka
// topic deleted and re-created) would have its events skipped by the ledger
// (already "folded") and written over the old rows by the rollups (counters
// that drop). So a worker refuses to start on a log that ends before the
// positions its store already holds for it, and says why.
import type { Bus } from '@mcpg/pipeline';
import { queryStoredPositions, type Store } from '@mcpg/store';

export class LogReplacedError extends Error {
  readonly code = 'LOG_REPLACED';
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'LogReplacedError';
  }
}

/**
 * Throws LogReplacedError if a partition of `topic` ends before the position
 * stored for it. A log that grew past the stored positions since it was
 * replaced is not caught: the check sees offsets, not the log's identity.
 */
export async function assertSameLog(bus: Bus, store: Store, topic: string): Promise<void> {
  const stored = await queryStoredPositions(store, topic);
  if (stored.size === 0) return;
  const ends = await bus.endOffsets(topic);
  for (const [partition, position] of [...stored].sort(([a], [b]) => a - b)) {
    const end = ends.get(partition);
    if (end !== undefined && BigInt(end) >= BigInt(position)) continue;
    throw new LogReplacedError(
      `${topic} partition ${partition} ends at offset ${end ?? '(no such partition)'}, but the store holds events from it up to offset ${position}: ` +
        'this is not the log the store was built from (the in-memory bus starts empty at every start; a Kafka topic deleted and re-created starts again at 0). ' +
        'Its new events would be skipped by the ledger and written over the stored counters, so the worker does not start. ' +
        'Point it at the log the store came from, or start with an empty data directory (or ClickHouse database).',
    );
  }
}
