// The verifier's memory between runs: the signed note of the last checkpoint
// it trusted, kept in a file. It was verified when it was saved, so reading it
// back needs no key (a key may since have been retired from the keyring).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseCheckpoint, parseNote, type Checkpoint } from '@mcpg/ledger';

export function readTrustedState(path: string): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  const note = readFileSync(path, 'utf8');
  return parseCheckpoint(parseNote(note).text);
}

/** Written to a temporary file and renamed, so a crash never leaves half a note. */
export function writeTrustedState(path: string, note: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, note, { mode: 0o644 });
  renameSync(tmp, path);
}
