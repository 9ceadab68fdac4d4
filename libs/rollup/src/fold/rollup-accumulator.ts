// The running fold of one minute row: counters plus the latency digest. The
// digest only changes at points fixed by the input (see MergingDigest), and
// toRow snapshots without changing anything, so a row is the same whether it
// was taken once at the end or after every batch.
import type { ToolCallEvent } from '@mcpg/events';
import { MergingDigest } from '../digest/merging-digest.ts';
import { CallCounters, type RollupLabels } from './call-counters.ts';
import type { RollupRow } from './rollup-row.ts';

export class RollupAccumulator extends CallCounters {
  readonly #digest: MergingDigest;

  constructor(
    readonly labels: RollupLabels,
    readonly minute: number,
    readonly partition: number,
    readonly chunkStart: number,
    compression: number,
  ) {
    super();
    this.#digest = new MergingDigest(compression);
  }

  override add(e: ToolCallEvent, offset: number): void {
    super.add(e, offset);
    this.#digest.add(e.duration_us / 1000);
  }

  toRow(): RollupRow {
    const d = this.#digest.snapshot();
    return {
      ...this.source(this.labels, this.partition, this.chunkStart),
      minute: this.minute,
      ...this.counters(),
      latency_min_ms: d.min,
      latency_max_ms: d.max,
      latency_means: d.means,
      latency_weights: d.weights,
    };
  }
}
