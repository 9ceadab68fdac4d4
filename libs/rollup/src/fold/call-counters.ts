// The counters every rollup tier keeps for a group of calls — calls, errors,
// calls per outcome, token sums, the duration sum — and the offset of the
// last call counted (the row's version). Minute accumulators count calls as
// they are folded; day totals add up what their minutes counted
// (RollupAccumulator.settle), so a call is counted once on the hot path, not
// once per tier.
import { CALL_OUTCOMES, type CallOutcome, type ToolCallEvent } from '@mcpg/events';
import { ERROR_OUTCOMES } from './rollup-row.ts';

export const OUTCOME_INDEX: Readonly<Record<string, number>> = Object.fromEntries(CALL_OUTCOMES.map((o, i) => [o, i]));
export const IS_ERROR: readonly boolean[] = CALL_OUTCOMES.map((o) => ERROR_OUTCOMES.includes(o));

/**
 * What the fold reads of a call: its labels and figures. A ToolCallEvent is
 * one; so is what the worker reads straight from a message's bytes without
 * making the rest of the event.
 */
export type FoldedCall = Pick<ToolCallEvent, 'org' | 'workspace' | 'plugin' | 'tool' | 'started_at' | 'duration_us' | 'outcome' | 'tokens_in' | 'tokens_out'>;

export interface RollupLabels {
  readonly org: string;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
}

/** The counter fields of a minute accumulator or a day's totals. */
export interface Counts {
  calls: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  durationUsSum: number;
  lastOffset: number;
  /** Calls per outcome, indexed like CALL_OUTCOMES. */
  readonly outcomes: number[];
}

export function emptyOutcomes(): number[] {
  return new Array<number>(CALL_OUTCOMES.length).fill(0);
}

/** Calls per outcome as a row column: every outcome present, in schema order. */
export function outcomeRecord(outcomes: readonly number[]): Record<CallOutcome, number> {
  const out = {} as Record<CallOutcome, number>;
  for (let i = 0; i < CALL_OUTCOMES.length; i++) out[CALL_OUTCOMES[i]!] = outcomes[i] as number;
  return out;
}
