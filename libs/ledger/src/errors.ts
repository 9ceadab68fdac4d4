// The ledger error catalog. Tamper codes name what an auditor found (and the
// sequence number where); input codes say that something handed to the ledger
// cannot be read at all. Nothing here is retriable: a ledger verdict is a
// property of the bytes, not of the moment.

export const LEDGER_ERROR_CODES = [
  // What the offline verifier reports, first failure in sequence order.
  'ROW_EDITED',
  'ROW_DELETED',
  'ROW_INSERTED',
  'ROWS_REORDERED',
  'TAIL_DROPPED',
  'FORK',
  'ROLLBACK',
  'FOREIGN_ROW',
  'FOREIGN_CHECKPOINT',
  'CHECKPOINT_MISMATCH',
  'UNKNOWN_KEY',
  'EXPIRED_KEY',
  'BAD_SIGNATURE',
  'NODE_EDITED',
  // Inputs that cannot be read.
  'INVALID_ROW',
  'MALFORMED_NOTE',
  'MALFORMED_KEY',
  'MALFORMED_EXPORT',
  'INVALID_ARGUMENT',
] as const;
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/** What each code means, for auditors reading a verdict. */
export const LEDGER_ERROR_DOCS: Readonly<Record<LedgerErrorCode, string>> = {
  ROW_EDITED:
    'The content of the row at this seq does not hash to the leaf recorded when it was appended (or, when the stored hashes were rewritten too, the rows of this checkpoint interval no longer reproduce the signed root).',
  ROW_DELETED:
    'The row with this seq is missing: the next row has a higher seq, or its chain link points past a row that is not in the export.',
  ROW_INSERTED:
    'The row at this seq is not part of the chain: its seq repeats an earlier one, or the following row links to the row before it.',
  ROWS_REORDERED:
    'The row with this seq is present but not in its place: it appears after a higher seq, or rows swapped their seq values.',
  TAIL_DROPPED: 'The export ends at this seq, before the size of a signed checkpoint: rows at the end are missing.',
  FORK: 'Two validly signed checkpoints cannot both describe this log (same size and different roots, or an earlier root the later tree does not contain).',
  ROLLBACK: 'A checkpoint is smaller than the last checkpoint this verifier trusted: the log went back in time.',
  FOREIGN_ROW: "The row at this seq belongs to another org's chain.",
  FOREIGN_CHECKPOINT: "The checkpoint's origin names another org's ledger.",
  CHECKPOINT_MISMATCH:
    'The rows reproduce the signed root, but the signed chain head or event time disagrees with them: the signer published a wrong statement.',
  UNKNOWN_KEY: 'No signature on the checkpoint comes from a key in the keyring (name and key id must both match).',
  EXPIRED_KEY: "The checkpoint's event time is outside the validity window of the key that signed it.",
  BAD_SIGNATURE: 'A signature by a known key does not verify (strict RFC 8032): the note was altered or forged.',
  NODE_EDITED:
    'A stored Merkle node hash (kept for proofs and range verification) is not the hash of the rows under it: the rows may be intact, the node store is not.',
  INVALID_ROW:
    'A row cannot be canonically encoded: a missing field, a wrong type, an unsafe or fractional integer, or a string that is not well-formed Unicode.',
  MALFORMED_NOTE: 'A signed note or checkpoint does not follow the exact C2SP text format.',
  MALFORMED_KEY: 'A key, key file or keyring line does not follow the documented text format.',
  MALFORMED_EXPORT:
    'A line of an export file is not a header, checkpoint, row or end line of the documented format, or the export is incomplete (no end line, counts differ).',
  INVALID_ARGUMENT: 'A value passed to the ledger is out of range (an index beyond the tree size, a bad key name or org).',
};

/** Which part of a stored ledger a code says is broken: its rows, its Merkle nodes, its checkpoints, or an input that cannot be read. */
export type LedgerPart = 'rows' | 'nodes' | 'checkpoints' | 'input';

export const LEDGER_ERROR_PART: Readonly<Record<LedgerErrorCode, LedgerPart>> = {
  ROW_EDITED: 'rows',
  ROW_DELETED: 'rows',
  ROW_INSERTED: 'rows',
  ROWS_REORDERED: 'rows',
  TAIL_DROPPED: 'rows',
  FOREIGN_ROW: 'rows',
  FORK: 'checkpoints',
  ROLLBACK: 'checkpoints',
  FOREIGN_CHECKPOINT: 'checkpoints',
  CHECKPOINT_MISMATCH: 'checkpoints',
  UNKNOWN_KEY: 'checkpoints',
  EXPIRED_KEY: 'checkpoints',
  BAD_SIGNATURE: 'checkpoints',
  NODE_EDITED: 'nodes',
  INVALID_ROW: 'rows',
  MALFORMED_NOTE: 'checkpoints',
  MALFORMED_KEY: 'input',
  MALFORMED_EXPORT: 'input',
  INVALID_ARGUMENT: 'input',
};

export interface LedgerErrorOptions {
  readonly cause?: unknown;
  /** The sequence number the failure is about, when one can be named. */
  readonly seq?: bigint;
  /** The tree size of the checkpoint the failure is about, when there is one. */
  readonly treeSize?: number;
}

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  readonly retriable = false as const;
  readonly seq: bigint | undefined;
  readonly treeSize: number | undefined;

  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    options: LedgerErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.seq = options.seq;
    this.treeSize = options.treeSize;
  }
}
