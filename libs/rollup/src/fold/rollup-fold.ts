// Folds positioned call events into rollup rows, partition by partition and
// offset chunk by offset chunk. The worker keeps one RollupFold while it owns
// its partitions, adds every decoded event, and after each batch writes
// takeRows() (rows changed by the batch) with the batch's other rows, then
// commits offsets. On a restart or rebalance it builds a new RollupFold and
// resumes each partition at chunkStart(committed offset), so the open chunk
// is refolded from its first offset and its rows come out the same again.
import type { ToolCallEvent } from '@mcpg/events';
import { RollupError } from '../errors.ts';
import { LabelNormalizer } from '../labels/normalize-label.ts';
import { ChunkFold } from './chunk-fold.ts';
import type { FoldedCall } from './call-counters.ts';
import { resolveFoldOptions, type FoldOptions, type ResolvedFoldOptions } from './fold-options.ts';
import type { DayTotalsRow } from './day-totals.ts';
import type { HourTotalsRow } from './hour-totals.ts';
import type { OrgRollupRows, RollupRow, TierRollupRow } from './rollup-row.ts';

/** A call event and its position in the log. Offsets are Kafka's int64 as a number (exact below 2^53). */
export interface PositionedCall {
  readonly partition: number;
  readonly offset: number;
  readonly event: ToolCallEvent;
}

export interface FoldStats {
  /** Events folded since this RollupFold was created. */
  readonly events: number;
  /** Of those, events whose label set was over the per-org cap and went to `__other__`. */
  readonly foldedToOther: number;
  /** Same, per org. */
  readonly foldedToOtherByOrg: ReadonlyMap<string, number>;
}

interface PartitionState {
  chunk: ChunkFold;
  lastOffset: number;
}

export class RollupFold {
  readonly options: ResolvedFoldOptions;
  readonly #normalizer = new LabelNormalizer();
  readonly #partitions = new Map<number, PartitionState>();
  // Rows of chunks that closed since the last takeRows / takeDayTotals / takeHourTotals.
  #closed: RollupRow[] = [];
  #closedDays: DayTotalsRow[] = [];
  #closedHours: HourTotalsRow[] = [];
  #closedHourRollups: TierRollupRow[] = [];
  #closedDayRollups: TierRollupRow[] = [];
  #closedOrg = { minutes: [] as TierRollupRow[], hours: [] as TierRollupRow[], days: [] as TierRollupRow[] };
  #events = 0;
  #folded = 0;
  readonly #foldedByOrg = new Map<string, number>();

  constructor(options?: FoldOptions) {
    this.options = resolveFoldOptions(options);
  }

  /**
   * Folds one event. The caller validates it first (validateCall): the fold
   * trusts durations, token counts and labels. Offsets must increase within
   * a partition; gaps are fine (transaction markers, compaction).
   */
  add(partition: number, offset: number, event: FoldedCall): void {
    let state = this.#partitions.get(partition);
    const start = offset - (offset % this.options.chunkSize);
    if (state === undefined) {
      state = { chunk: this.#newChunk(partition, start), lastOffset: -1 };
      this.#partitions.set(partition, state);
    } else if (offset <= state.lastOffset) {
      throw new RollupError('OFFSET_NOT_INCREASING', `partition ${partition}: offset ${offset} after ${state.lastOffset}`);
    } else if (start !== state.chunk.start) {
      this.#close(state.chunk);
      state.chunk = this.#newChunk(partition, start);
    }
    state.lastOffset = offset;
    state.chunk.add(offset, event);
    this.#events++;
  }

  /** Rows changed since the last call: rows of chunks that closed, then the open chunks' (by partition). */
  takeRows(): RollupRow[] {
    const rows = this.#closed;
    this.#closed = [];
    for (const { chunk } of this.#partitions.values()) appendAll(rows, chunk.takeRows());
    return rows;
  }

  /** Day totals changed since the last call, like takeRows; the worker writes every tier with every flush. */
  takeDayTotals(): DayTotalsRow[] {
    const rows = this.#closedDays;
    this.#closedDays = [];
    for (const { chunk } of this.#partitions.values()) appendAll(rows, chunk.takeDayTotals());
    return rows;
  }

  /** Hour totals changed since the last call, like takeDayTotals. */
  takeHourTotals(): HourTotalsRow[] {
    const rows = this.#closedHours;
    this.#closedHours = [];
    for (const { chunk } of this.#partitions.values()) appendAll(rows, chunk.takeHourTotals());
    return rows;
  }

  /** Hour digest rows (tool_rollups_1h) changed since the last call, like takeRows. */
  takeHourRollups(): TierRollupRow[] {
    const rows = this.#closedHourRollups;
    this.#closedHourRollups = [];
    for (const { chunk } of this.#partitions.values()) appendAll(rows, chunk.takeHourRollups());
    return rows;
  }

  /** Day digest rows (tool_rollups_1d) changed since the last call, like takeRows. */
  takeDayRollups(): TierRollupRow[] {
    const rows = this.#closedDayRollups;
    this.#closedDayRollups = [];
    for (const { chunk } of this.#partitions.values()) appendAll(rows, chunk.takeDayRollups());
    return rows;
  }

  /** Org-wide minute, hour and day rows (tool_rollups_org_*) changed since the last call, like takeRows. */
  takeOrgRollups(): OrgRollupRows {
    const rows = this.#closedOrg;
    this.#closedOrg = { minutes: [], hours: [], days: [] };
    for (const { chunk } of this.#partitions.values()) appendOrg(rows, chunk.takeOrgRollups());
    return rows;
  }

  /** Drops a partition's state (revoked in a rebalance). Its untaken rows are dropped too: the new owner refolds them. */
  release(partition: number): void {
    this.#partitions.delete(partition);
  }

  get stats(): FoldStats {
    const byOrg = new Map(this.#foldedByOrg);
    for (const { chunk } of this.#partitions.values()) {
      for (const [org, n] of chunk.foldedByOrg()) byOrg.set(org, (byOrg.get(org) ?? 0) + n);
    }
    let open = 0;
    for (const { chunk } of this.#partitions.values()) open += chunk.foldedEvents;
    return { events: this.#events, foldedToOther: this.#folded + open, foldedToOtherByOrg: byOrg };
  }

  #newChunk(partition: number, start: number): ChunkFold {
    return new ChunkFold(partition, start, this.options, this.#normalizer);
  }

  #close(chunk: ChunkFold): void {
    appendAll(this.#closed, chunk.takeRows());
    appendAll(this.#closedDays, chunk.takeDayTotals());
    appendAll(this.#closedHours, chunk.takeHourTotals());
    appendAll(this.#closedHourRollups, chunk.takeHourRollups());
    appendAll(this.#closedDayRollups, chunk.takeDayRollups());
    appendOrg(this.#closedOrg, chunk.takeOrgRollups());
    this.#folded += chunk.foldedEvents;
    for (const [org, n] of chunk.foldedByOrg()) this.#foldedByOrg.set(org, (this.#foldedByOrg.get(org) ?? 0) + n);
  }
}

// push(...rows) would pass every row as an argument: too many for a large chunk.
function appendAll<T>(to: T[], from: readonly T[]): void {
  for (const x of from) to.push(x);
}

function appendOrg(to: { minutes: TierRollupRow[]; hours: TierRollupRow[]; days: TierRollupRow[] }, from: OrgRollupRows): void {
  appendAll(to.minutes, from.minutes);
  appendAll(to.hours, from.hours);
  appendAll(to.days, from.days);
}

/**
 * The rows of a batch folded on its own: a pure function of the positioned
 * events, so the same input range always gives the same rows. For a range
 * that starts at a chunk start this equals what a running RollupFold writes.
 */
export function foldBatch(calls: Iterable<PositionedCall>, options?: FoldOptions): RollupRow[] {
  return foldBatchTiers(calls, options).minutes;
}

/** foldBatch with every tier: the minute rows, the day and hour totals, the hour and day digest rows, the org-wide rows. */
export function foldBatchTiers(
  calls: Iterable<PositionedCall>,
  options?: FoldOptions,
): { minutes: RollupRow[]; days: DayTotalsRow[]; hours: HourTotalsRow[]; hourRollups: TierRollupRow[]; dayRollups: TierRollupRow[]; org: OrgRollupRows } {
  const fold = new RollupFold(options);
  for (const c of calls) fold.add(c.partition, c.offset, c.event);
  return {
    minutes: fold.takeRows(),
    days: fold.takeDayTotals(),
    hours: fold.takeHourTotals(),
    hourRollups: fold.takeHourRollups(),
    dayRollups: fold.takeDayRollups(),
    org: fold.takeOrgRollups(),
  };
}
