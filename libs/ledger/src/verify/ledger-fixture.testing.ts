// An honest ledger to tamper with in tests: 40 rows of org "acme", a signed
// checkpoint every 10 rows, the signing key rotated at event time T0 + 25 s.
import {
  LedgerFold,
  SigningKeys,
  signCheckpoint,
  signerKeyFromSeed,
  rowLeafHash,
  type ExportedRow,
  type LedgerRow,
} from '../index.ts';
import { sampleEvents, T0 } from '../sample-events.testing.ts';

export const ORG = 'acme';
export const ROTATION = T0 + 25_000;
export const key1 = signerKeyFromSeed('mcpg.dev/ledger', new Uint8Array(32).fill(1));
export const key2 = signerKeyFromSeed('mcpg.dev/ledger', new Uint8Array(32).fill(2));
export const signing = new SigningKeys([
  { key: key1, window: { notBefore: null, notAfter: ROTATION } },
  { key: key2, window: { notBefore: ROTATION, notAfter: null } },
]);
export const keyring = signing.keyring();

export interface Ledger {
  readonly rows: ExportedRow[];
  readonly checkpoints: string[];
}

export function buildLedger(org = ORG, count = 40, every = 10, events = sampleEvents(org, count)): Ledger {
  const fold = new LedgerFold(org);
  const rows: ExportedRow[] = [];
  const checkpoints: string[] = [];
  for (const event of events) {
    const { row, leafHash, prevHash } = fold.append(event);
    rows.push({ row, leafHash, prevHash });
    if (fold.size % every === 0) {
      const cp = fold.checkpoint();
      checkpoints.push(signCheckpoint(cp, signing.signerFor(cp.eventTime)));
    }
  }
  return { rows, checkpoints };
}

/** What SQL leaves behind: the export re-read ORDER BY seq. */
export function bySeq(rows: ExportedRow[]): ExportedRow[] {
  return [...rows].sort((a, b) => (a.row.seq < b.row.seq ? -1 : a.row.seq > b.row.seq ? 1 : 0));
}

export function withRow(r: ExportedRow, patch: Partial<LedgerRow>): ExportedRow {
  return { ...r, row: { ...r.row, ...patch } };
}

/** The tamperer who knows the format: recomputes the leaf hash column too. */
export function rehashLeaf(r: ExportedRow): ExportedRow {
  return { ...r, leafHash: rowLeafHash(r.row) };
}
