// The signed tree heads a verification checks rows against: every checkpoint
// of the export, opened and verified, plus the last checkpoint this verifier
// trusted. Heads of the same size must agree exactly (FORK otherwise); the
// newest signed head may not be smaller than the trusted one (ROLLBACK).
import { bytesEqual } from '../bytes.ts';
import type { Checkpoint } from '../checkpoint/checkpoint.ts';
import { parseCheckpoint } from '../checkpoint/checkpoint.ts';
import { openCheckpoint, type OpenedCheckpoint } from '../checkpoint/signed-checkpoint.ts';
import { parseNote } from '../note/signed-note.ts';
import { LedgerError } from '../errors.ts';
import type { Keyring } from '../note/keyring.ts';

export interface SignedHead {
  readonly checkpoint: Checkpoint;
  /** The last checkpoint the verifier trusted before this run. */
  readonly trusted: boolean;
}

export interface SignedHeads {
  /** Distinct heads by increasing size. */
  readonly heads: readonly SignedHead[];
  /** The largest checkpoint opened from the export, if any. */
  readonly latest: OpenedCheckpoint | undefined;
  /** Every checkpoint opened, in the order given. */
  readonly opened: readonly OpenedCheckpoint[];
}

function sameHead(a: Checkpoint, b: Checkpoint): boolean {
  return bytesEqual(a.root, b.root) && bytesEqual(a.chainHead, b.chainHead) && a.eventTime === b.eventTime;
}

/** Throws the first problem: a checkpoint that does not open, then FORK, then ROLLBACK. */
export function collectSignedHeads(
  notes: readonly string[],
  keyring: Keyring,
  origin: string,
  trusted: Checkpoint | undefined,
): SignedHeads {
  const opened = notes.map((note) => openNamingSize(note, keyring, origin));
  const latest = opened.reduce<OpenedCheckpoint | undefined>(
    (best, o) => (best === undefined || o.checkpoint.size > best.checkpoint.size ? o : best),
    undefined,
  );
  const all: SignedHead[] = opened.map((o) => ({ checkpoint: o.checkpoint, trusted: false }));
  if (trusted !== undefined) {
    if (trusted.origin !== origin) {
      throw new LedgerError('FOREIGN_CHECKPOINT', `trusted checkpoint of ${trusted.origin}, expected ${origin}`, { treeSize: trusted.size });
    }
    all.push({ checkpoint: trusted, trusted: true });
  }
  all.sort((a, b) => a.checkpoint.size - b.checkpoint.size);
  const heads: SignedHead[] = [];
  for (const head of all) {
    const prev = heads[heads.length - 1];
    if (prev === undefined || prev.checkpoint.size !== head.checkpoint.size) {
      heads.push(head);
      continue;
    }
    if (!sameHead(prev.checkpoint, head.checkpoint)) {
      throw new LedgerError('FORK', `two signed checkpoints of size ${head.checkpoint.size} disagree`, {
        treeSize: head.checkpoint.size,
      });
    }
    if (head.trusted) heads[heads.length - 1] = { ...prev, trusted: true };
  }
  if (trusted !== undefined && latest !== undefined && latest.checkpoint.size < trusted.size) {
    throw new LedgerError(
      'ROLLBACK',
      `the newest checkpoint has size ${latest.checkpoint.size}, smaller than the trusted size ${trusted.size}`,
      { treeSize: latest.checkpoint.size },
    );
  }
  return { heads, latest, opened };
}

/**
 * openCheckpoint, but a failure that could not name its checkpoint (a bad or
 * unknown signature is found before the body is trusted) names the tree size
 * the body claims — for the report only; nothing in it is believed.
 */
function openNamingSize(note: string, keyring: Keyring, origin: string): OpenedCheckpoint {
  try {
    return openCheckpoint(note, keyring, origin);
  } catch (e) {
    if (!(e instanceof LedgerError) || e.treeSize !== undefined) throw e;
    let claimed: number | undefined;
    try {
      claimed = parseCheckpoint(parseNote(note).text).size;
    } catch {
      throw e;
    }
    throw new LedgerError(e.code, `${e.message} (the checkpoint claims tree size ${claimed})`, { treeSize: claimed, cause: e });
  }
}
