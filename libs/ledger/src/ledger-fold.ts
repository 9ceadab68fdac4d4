// The ledger of one org as a fold over its audit events: seq assignment, leaf
// hash, chain link, Merkle frontier, and the checkpoint at the current size.
// Pure and deterministic (no clock, no randomness): the same events in the
// same order give the same hashes and checkpoints, so the ledger-worker can
// persist `state()` with each checkpoint and resume from it after a crash, or
// rebuild everything from offset 0 and get identical bytes.
import { chainHash, genesisHash } from './chain.ts';
import { eventLeaf } from './canonical-row.ts';
import { LedgerError } from './errors.ts';
import type { Hash } from './hashing.ts';
import { checkpointOrigin } from './ledger-org.ts';
import { ledgerRowFromEvent, type LedgerEvent, type LedgerRow } from './ledger-row.ts';
import { CompactRange, type CompactRangeState, type NodeVisitor } from './merkle/compact-range.ts';
import type { Checkpoint } from './checkpoint/checkpoint.ts';

/** What storage keeps for a row, besides the row itself. */
export interface AppendedRow {
  readonly row: LedgerRow;
  readonly leafHash: Hash;
  /** Chain head before this row (genesis for seq 0). */
  readonly prevHash: Hash;
  /** Chain head after this row. */
  readonly chainHash: Hash;
}

/**
 * An appended row as the ledger-worker stores it: its seq and hashes and the
 * canonical bytes, with no row object (the caller holds the event).
 */
export interface AppendedLeaf {
  readonly seq: number;
  /** The row's canonical bytes: a view of the encoder's shared buffer, valid until the next append. */
  readonly canonical: Uint8Array;
  readonly leafHash: Hash;
  /** Chain head before this row (genesis for seq 0). */
  readonly prevHash: Hash;
}

export interface LedgerFoldState {
  readonly org: string;
  readonly range: CompactRangeState;
  readonly chainHead: Hash;
  /** occurred_at of the last row; 0 while empty. */
  readonly lastEventTime: number;
}

export class LedgerFold {
  private readonly range: CompactRange;
  private head: Hash;
  private lastEventTime: number;
  readonly origin: string;

  constructor(
    readonly org: string,
    state?: LedgerFoldState,
  ) {
    this.origin = checkpointOrigin(org);
    if (state !== undefined && state.org !== org) {
      throw new LedgerError('INVALID_ARGUMENT', `state of org ${state.org} given to the fold of ${org}`);
    }
    this.range = new CompactRange(state?.range);
    this.head = state?.chainHead ?? genesisHash(org);
    this.lastEventTime = state?.lastEventTime ?? 0;
  }

  /** Number of rows so far = the seq the next row gets. */
  get size(): number {
    return this.range.size;
  }

  /** Appends the next event of this org; `visit` sees the Merkle nodes it completes. Throws INVALID_ROW. */
  append(event: LedgerEvent, visit?: NodeVisitor): AppendedRow {
    const { seq, leafHash, prevHash } = this.appendLeaf(event, visit);
    return { row: ledgerRowFromEvent(event, BigInt(seq)), leafHash, prevHash, chainHash: this.head };
  }

  /**
   * append() without building the row: the same seq, hashes and nodes, and
   * the canonical bytes the leaf hash covers (valid until the next append).
   * The ledger-worker's path, which copies those bytes into its insert.
   */
  appendLeaf(event: LedgerEvent, visit?: NodeVisitor): AppendedLeaf {
    if (event.org !== this.org) {
      throw new LedgerError('INVALID_ARGUMENT', `event of org ${JSON.stringify(event.org)} appended to the ledger of ${this.org}`);
    }
    const seq = this.range.size;
    const { leafHash, canonical } = eventLeaf(event, BigInt(seq));
    const prevHash = this.head;
    this.head = chainHash(prevHash, leafHash);
    this.range.append(leafHash, visit);
    this.lastEventTime = event.occurred_at;
    return { seq, canonical, leafHash, prevHash };
  }

  /** The checkpoint body for the rows so far (sign it with signCheckpoint). */
  checkpoint(): Checkpoint {
    return {
      origin: this.origin,
      size: this.range.size,
      root: this.range.root(),
      chainHead: this.head,
      eventTime: this.lastEventTime,
    };
  }

  state(): LedgerFoldState {
    return { org: this.org, range: this.range.state(), chainHead: this.head, lastEventTime: this.lastEventTime };
  }
}
