// The counters every rollup tier keeps for a group of calls: calls, errors,
// calls per outcome, token sums and the duration sum, plus the offset of the
// last call added (the row's version). Minute rows add a latency digest on top
// (RollupAccumulator); day totals are these counters alone (DayTotals).
import { CALL_OUTCOMES, type CallOutcome, type ToolCallEvent } from '@mcpg/events';
import { ERROR_OUTCOMES, type RollupCounters, type RollupSource } from './rollup-row.ts';

const OUTCOME_INDEX: Readonly<Record<string, number>> = Object.fromEntries(CALL_OUTCOMES.map((o, i) => [o, i]));
const IS_ERROR: readonly boolean[] = CALL_OUTCOMES.map((o) => ERROR_OUTCOMES.includes(o));

export interface RollupLabels {
  readonly org: string;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
}

export class CallCounters {
  calls = 0;
  errors = 0;
  tokensIn = 0;
  tokensOut = 0;
  durationUsSum = 0;
  lastOffset = -1;
  /** Set when the counters changed since the row was last taken. */
  dirty = false;
  readonly #outcomes = new Array<number>(CALL_OUTCOMES.length).fill(0);

  add(e: ToolCallEvent, offset: number): void {
    const o = OUTCOME_INDEX[e.outcome] as number;
    this.calls++;
    if (IS_ERROR[o]) this.errors++;
    this.#outcomes[o]!++;
    this.tokensIn += e.tokens_in;
    this.tokensOut += e.tokens_out;
    this.durationUsSum += e.duration_us;
    this.lastOffset = offset;
  }

  /** The counters as row columns. */
  counters(): RollupCounters {
    const outcomes = {} as Record<CallOutcome, number>;
    CALL_OUTCOMES.forEach((name, i) => (outcomes[name] = this.#outcomes[i] as number));
    return {
      calls: this.calls,
      errors: this.errors,
      outcomes,
      tokens_in: this.tokensIn,
      tokens_out: this.tokensOut,
      duration_us_sum: this.durationUsSum,
    };
  }

  /** The row's source columns: labels, partition, chunk and version. */
  source(labels: RollupLabels, partition: number, chunkStart: number): RollupSource {
    return { ...labels, source_partition: partition, chunk_start: chunkStart, last_offset: this.lastOffset };
  }
}
