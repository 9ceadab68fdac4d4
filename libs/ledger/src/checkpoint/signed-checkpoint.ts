// Signing and opening checkpoints. Opening follows the note rule that text is
// meaningless until a trusted signature over it verifies, so the order of
// checks is: note syntax, signatures (UNKNOWN_KEY / BAD_SIGNATURE), body
// syntax, origin (FOREIGN_CHECKPOINT), then the signing key's validity window
// at the checkpoint's event time (EXPIRED_KEY).
import { LedgerError } from '../errors.ts';
import type { Keyring, KeyringEntry } from '../note/keyring.ts';
import { windowContains } from '../note/keyring.ts';
import { describeEventTime } from '../event-time.ts';
import { keyIdHex, type NoteSignerKey } from '../note/note-keys.ts';
import { signNote, verifyNote } from '../note/signed-note.ts';
import { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint.ts';

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The signed note exactly as received. */
  readonly note: string;
  /** Keyring entries whose signatures verified and whose window holds the event time. */
  readonly signedBy: readonly KeyringEntry[];
}

export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSignerKey): string {
  return signNote(formatCheckpoint(checkpoint), [signer]);
}

export function openCheckpoint(note: string, keyring: Keyring, expectedOrigin?: string): OpenedCheckpoint {
  const verified = verifyNote(note, (name, keyId) => keyring.lookup(name, keyId)?.key);
  const checkpoint = parseCheckpoint(verified.text);
  const at = { treeSize: checkpoint.size };
  if (expectedOrigin !== undefined && checkpoint.origin !== expectedOrigin) {
    throw new LedgerError('FOREIGN_CHECKPOINT', `checkpoint of ${checkpoint.origin}, expected ${expectedOrigin}`, at);
  }
  const entries = verified.verifiedBy.map((k) => keyring.lookup(k.name, k.keyId) as KeyringEntry);
  const signedBy = entries.filter((e) => windowContains(e.window, checkpoint.eventTime));
  if (signedBy.length === 0) {
    const keys = entries.map((e) => `${e.key.name}+${keyIdHex(e.key.keyId)}`).join(', ');
    throw new LedgerError(
      'EXPIRED_KEY',
      `checkpoint of size ${checkpoint.size} at event time ${describeEventTime(checkpoint.eventTime)} is signed only by keys not valid then (${keys})`,
      at,
    );
  }
  return { checkpoint, note, signedBy };
}
