// The running fold of one row: counters plus the latency digest. The digest
// only changes at points fixed by the input (see MergingDigest), and toRow
// snapshots without changing anything, so a row is the same whether it was
// taken once at the end or after every batch.
import { CALL_OUTCOMES, type CallOutcome, type ToolCallEvent } from '@mcpg/events';
import { MergingDigest } from '../digest/merging-digest.ts';
import { ERROR_OUTCOMES, type RollupRow } from './rollup-row.ts';

const OUTCOME_INDEX: Readonly<Record<string, number>> = Object.fromEntries(CALL_OUTCOMES.map((o, i) => [o, i]));
const IS_ERROR: readonly boolean[] = CALL_OUTCOMES.map((o) => ERROR_OUTCOMES.includes(o));

export interface RollupLabels {
  readonly org: string;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
}

export class RollupAccumulator {
  calls = 0;
  errors = 0;
  tokensIn = 0;
  tokensOut = 0;
  durationUsSum = 0;
  lastOffset = -1;
  /** Set when the row changed since it was last taken. */
  dirty = false;
  readonly #outcomes = new Array<number>(CALL_OUTCOMES.length).fill(0);
  readonly #digest: MergingDigest;

  constructor(
    readonly labels: RollupLabels,
    readonly minute: number,
    readonly partition: number,
    readonly chunkStart: number,
    compression: number,
  ) {
    this.#digest = new MergingDigest(compression);
  }

  add(e: ToolCallEvent, offset: number): void {
    const o = OUTCOME_INDEX[e.outcome] as number;
    this.calls++;
    if (IS_ERROR[o]) this.errors++;
    this.#outcomes[o]!++;
    this.tokensIn += e.tokens_in;
    this.tokensOut += e.tokens_out;
    this.durationUsSum += e.duration_us;
    this.#digest.add(e.duration_us / 1000);
    this.lastOffset = offset;
  }

  toRow(): RollupRow {
    const d = this.#digest.snapshot();
    const outcomes = {} as Record<CallOutcome, number>;
    CALL_OUTCOMES.forEach((name, i) => (outcomes[name] = this.#outcomes[i] as number));
    return {
      org: this.labels.org,
      workspace: this.labels.workspace,
      plugin: this.labels.plugin,
      tool: this.labels.tool,
      minute: this.minute,
      source_partition: this.partition,
      chunk_start: this.chunkStart,
      last_offset: this.lastOffset,
      calls: this.calls,
      errors: this.errors,
      outcomes,
      tokens_in: this.tokensIn,
      tokens_out: this.tokensOut,
      duration_us_sum: this.durationUsSum,
      latency_min_ms: d.min,
      latency_max_ms: d.max,
      latency_means: d.means,
      latency_weights: d.weights,
    };
  }
}
