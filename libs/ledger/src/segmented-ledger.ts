// An org's ledger with its segment boundaries: LedgerFold plus the rule that
// decides when a checkpoint is due. A segment closes after `rows` rows, or
// before a row whose event-time bucket (occurred_at / `seconds`) is later
// than every bucket of the segment so far. Both are functions of the rows
// alone — never of the wall clock, batch sizes or restarts — so a replay cuts
// exactly the same segments and the checkpoints come out byte-identical.
//
// Consequence of "event time only": an org that goes quiet keeps its last
// rows unsigned until its next event arrives (the verifier reports them as
// unsigned rows, never as verified).
import type { Checkpoint } from './checkpoint/checkpoint.ts';
import { LedgerError } from './errors.ts';
import { LedgerFold, type AppendedLeaf, type AppendedRow, type LedgerFoldState } from './ledger-fold.ts';
import type { LedgerEvent } from './ledger-row.ts';
import type { NodeVisitor } from './merkle/compact-range.ts';

export interface SegmentPolicy {
  /** A segment closes once it holds this many rows. */
  readonly rows: number;
  /** Event-time bucket width in seconds: a row in a later bucket closes the open segment first. */
  readonly seconds: number;
}

export const SEGMENT_CLOSED_BY = ['rows', 'time'] as const;
export type SegmentClosedBy = (typeof SEGMENT_CLOSED_BY)[number];

export interface SegmentedLedgerState {
  readonly fold: LedgerFoldState;
  /** Tree size of the last checkpoint (0 before the first). */
  readonly checkpointSize: number;
  /** Latest event-time bucket among the rows after the last checkpoint; null when there are none. */
  readonly segmentBucket: number | null;
}

/** A checkpoint that became due, with the segment it closes: seq firstSeq .. checkpoint.size - 1. */
export interface ClosedSegment {
  readonly checkpoint: Checkpoint;
  readonly firstSeq: number;
  readonly closedBy: SegmentClosedBy;
}

export interface SegmentedAppend {
  readonly appended: AppendedRow;
  /** Checkpoints due around this row, in order: a time boundary before it, a row-count boundary after it. */
  readonly closed: readonly ClosedSegment[];
}

export interface SegmentedLeafAppend {
  readonly appended: AppendedLeaf;
  /** As SegmentedAppend's. */
  readonly closed: readonly ClosedSegment[];
}

const NONE_CLOSED: readonly ClosedSegment[] = Object.freeze([]);

export function assertSegmentPolicy(p: SegmentPolicy): void {
  if (!Number.isSafeInteger(p.rows) || p.rows < 1) throw new LedgerError('INVALID_ARGUMENT', `segment rows must be a positive integer, got ${p.rows}`);
  if (!Number.isSafeInteger(p.seconds) || p.seconds < 1) {
    throw new LedgerError('INVALID_ARGUMENT', `segment seconds must be a positive integer, got ${p.seconds}`);
  }
}

export class SegmentedLedger {
  private readonly fold: LedgerFold;
  private checkpointSize: number;
  private segmentBucket: number | null;
  private readonly bucketMs: number;

  constructor(
    readonly org: string,
    private readonly policy: SegmentPolicy,
    state?: SegmentedLedgerState,
  ) {
    assertSegmentPolicy(policy);
    this.fold = new LedgerFold(org, state?.fold);
    this.checkpointSize = state?.checkpointSize ?? 0;
    this.segmentBucket = state?.segmentBucket ?? null;
    this.bucketMs = policy.seconds * 1000;
    if (this.checkpointSize > this.fold.size) {
      throw new LedgerError('INVALID_ARGUMENT', `checkpoint size ${this.checkpointSize} beyond the tree size ${this.fold.size}`);
    }
  }

  get size(): number {
    return this.fold.size;
  }

  append(event: LedgerEvent, visit?: NodeVisitor): SegmentedAppend {
    const before = this.closeBefore(event);
    const appended = this.fold.append(event, visit);
    return { appended, closed: this.closeAfter(event, before) };
  }

  /** append() through LedgerFold.appendLeaf: no row object, the canonical bytes instead. */
  appendLeaf(event: LedgerEvent, visit?: NodeVisitor): SegmentedLeafAppend {
    const before = this.closeBefore(event);
    const appended = this.fold.appendLeaf(event, visit);
    return { appended, closed: this.closeAfter(event, before) };
  }

  // A later event-time bucket closes the open segment before the row.
  private closeBefore(event: LedgerEvent): ClosedSegment[] | undefined {
    const bucket = Math.floor(event.occurred_at / this.bucketMs);
    return this.segmentBucket !== null && bucket > this.segmentBucket ? [this.close('time')] : undefined;
  }

  // Most rows close nothing: they share one empty list instead of each allocating one.
  private closeAfter(event: LedgerEvent, closed: ClosedSegment[] | undefined): readonly ClosedSegment[] {
    const bucket = Math.floor(event.occurred_at / this.bucketMs);
    this.segmentBucket = this.segmentBucket === null ? bucket : Math.max(this.segmentBucket, bucket);
    if (this.fold.size - this.checkpointSize >= this.policy.rows) (closed ??= []).push(this.close('rows'));
    return closed ?? NONE_CLOSED;
  }

  state(): SegmentedLedgerState {
    return { fold: this.fold.state(), checkpointSize: this.checkpointSize, segmentBucket: this.segmentBucket };
  }

  private close(closedBy: SegmentClosedBy): ClosedSegment {
    const segment = { checkpoint: this.fold.checkpoint(), firstSeq: this.checkpointSize, closedBy };
    this.checkpointSize = this.fold.size;
    this.segmentBucket = null;
    return segment;
  }
}
