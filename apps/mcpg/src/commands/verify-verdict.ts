// What `mcpg verify` prints and exits with for each outcome. Exit codes are
// per class so scripts can tell "tampered" from "could not read the input".
import { LEDGER_ERROR_DOCS, type LedgerError, type LedgerErrorCode, type LedgerVerdict } from '@mcpg/ledger';

export const VERIFY_EXIT = {
  /** Every row up to the newest signed checkpoint verified. */
  VERIFIED: 0,
  /** Bad flags (the CLI's usage exit code). */
  USAGE: 2,
  /** The export, keyring or trusted-state file cannot be read: nothing was verified. */
  UNREADABLE: 3,
  /** The export reads and chains, but no signed checkpoint covers any row: nothing is vouched for. */
  NOT_SIGNED: 4,
  /** The ledger was tampered with: rows, checkpoints or history do not hold. */
  TAMPERED: 5,
  /** A checkpoint is not signed by a trusted key valid at its event time. */
  UNTRUSTED_SIGNATURE: 6,
} as const;

const SIGNATURE_CODES: ReadonlySet<LedgerErrorCode> = new Set(['UNKNOWN_KEY', 'EXPIRED_KEY', 'BAD_SIGNATURE']);
const UNREADABLE_CODES: ReadonlySet<LedgerErrorCode> = new Set(['MALFORMED_EXPORT', 'MALFORMED_KEY', 'INVALID_ARGUMENT']);

export function exitCodeOf(code: LedgerErrorCode): number {
  if (SIGNATURE_CODES.has(code)) return VERIFY_EXIT.UNTRUSTED_SIGNATURE;
  if (UNREADABLE_CODES.has(code)) return VERIFY_EXIT.UNREADABLE;
  return VERIFY_EXIT.TAMPERED;
}

/** One line an auditor can act on: what happened, and where. */
export function headline(e: LedgerError): string {
  const seq = e.seq === undefined ? '?' : e.seq.toString();
  const size = e.treeSize === undefined ? '' : ` of size ${e.treeSize}`;
  switch (e.code) {
    case 'ROW_EDITED':
      return `row seq ${seq} was edited`;
    case 'ROW_DELETED':
      return `row seq ${seq} was deleted`;
    case 'ROW_INSERTED':
      return `a row was inserted at seq ${seq}`;
    case 'ROWS_REORDERED':
      return `rows were reordered at seq ${seq}`;
    case 'TAIL_DROPPED':
      return `rows from seq ${seq} on were dropped (a signed checkpoint covers ${e.treeSize ?? '?'} rows)`;
    case 'FORK':
      return `fork: signed checkpoints disagree at tree size ${e.treeSize ?? '?'}`;
    case 'ROLLBACK':
      return `rollback: the newest checkpoint${size} is smaller than the trusted one`;
    case 'FOREIGN_ROW':
      return `row seq ${seq} belongs to another org (spliced in)`;
    case 'FOREIGN_CHECKPOINT':
      return `a checkpoint${size} is another org's`;
    case 'CHECKPOINT_MISMATCH':
      return `the checkpoint${size} does not match its rows' chain head or event time (last seq ${seq})`;
    case 'UNKNOWN_KEY':
      return `a checkpoint${size} is signed by no key in the keyring`;
    case 'EXPIRED_KEY':
      return `a checkpoint${size} is signed by a key outside its validity window`;
    case 'BAD_SIGNATURE':
      return `a checkpoint${size} has a signature that does not verify`;
    case 'NODE_EDITED':
      return e.seq === undefined && e.treeSize !== undefined
        ? `the hashes kept for the rows before tree size ${e.treeSize} (pruned, or stored nodes) do not reproduce its signed root`
        : `a stored Merkle node at seq ${seq} was edited`;
    case 'INVALID_ROW':
      return e.seq === undefined ? 'a row cannot be read' : `row seq ${seq} cannot be encoded`;
    case 'MALFORMED_NOTE':
      return `a checkpoint${size} is not a well-formed signed note`;
    case 'MALFORMED_EXPORT':
      return 'the export file cannot be read';
    case 'MALFORMED_KEY':
      return 'the keyring cannot be read';
    case 'INVALID_ARGUMENT':
      return 'an argument is out of range';
  }
}

export function failureReport(e: LedgerError): string {
  const exit = exitCodeOf(e.code);
  const verdict = exit === VERIFY_EXIT.UNREADABLE ? 'NOT VERIFIED' : exit === VERIFY_EXIT.UNTRUSTED_SIGNATURE ? 'NOT TRUSTED' : 'TAMPERED';
  const where = e.seq !== undefined ? ` at seq ${e.seq}` : e.treeSize !== undefined ? ` at tree size ${e.treeSize}` : '';
  return [`${verdict}: ${e.code}${where}: ${headline(e)}`, `  ${e.message}`, `  (${LEDGER_ERROR_DOCS[e.code]})`].join('\n');
}

export function successReport(v: LedgerVerdict): string {
  if (v.signedSize === 0) {
    return `NOT VERIFIED: no signed checkpoint covers any of the ${v.rows} rows of ${v.org}; they chain, but nothing vouches for them`;
  }
  const latest = v.latest?.checkpoint;
  const keys = v.latest?.signedBy.map((k) => k.key.name).join(', ') ?? '';
  const from = v.prunedSize;
  const lines = [
    `VERIFIED: ${v.org}, rows seq ${from}..${v.signedSize - 1} (${v.signedSize - from} rows) match the checkpoint of size ${latest?.size} signed by ${keys}`,
    `  root ${Buffer.from(latest?.root ?? []).toString('base64')}, event time ${new Date(latest?.eventTime ?? 0).toISOString()}`,
  ];
  if (from > 0) lines.push(`  rows seq 0..${from - 1} were pruned by the retention plan; their subtree hashes reproduce the signed root of size ${from}`);
  if (v.unsignedRows > 0) lines.push(`  ${v.unsignedRows} rows after seq ${v.signedSize - 1} chain correctly but are not signed yet (not vouched for)`);
  return lines.join('\n');
}
