// Keys with validity windows in event time, so keys can rotate: a checkpoint
// is signed with the key whose window holds its event time, and verifies only
// if the key that signed it was valid at that event time. Old checkpoints keep
// verifying with the old key; a retired key cannot sign for later times.
//
// Text form, one key per line (blank lines and "#" comments ignored):
//   <verifier or signer key> [not-before=<time>] [not-after=<time>]
// <time> is UTC ISO 8601 with milliseconds, e.g. 2026-01-01T00:00:00.000Z.
// The window is [not-before, not-after); a missing bound is open.
import { LedgerError } from '../errors.ts';
import { describeEventTime } from '../event-time.ts';
import {
  formatSignerKey,
  formatVerifierKey,
  keyIdHex,
  parseSignerKey,
  parseVerifierKey,
  verifierKeyOf,
  type NoteSignerKey,
  type NoteVerifierKey,
} from './note-keys.ts';

export interface KeyWindow {
  /** Epoch ms of event time, inclusive; null = since always. */
  readonly notBefore: number | null;
  /** Epoch ms of event time, exclusive; null = forever. */
  readonly notAfter: number | null;
}

export const ALWAYS: KeyWindow = { notBefore: null, notAfter: null };

export interface KeyringEntry<K extends NoteVerifierKey = NoteVerifierKey> {
  readonly key: K;
  readonly window: KeyWindow;
}

export function windowContains(window: KeyWindow, eventTime: number): boolean {
  return (window.notBefore === null || eventTime >= window.notBefore) && (window.notAfter === null || eventTime < window.notAfter);
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function parseTime(text: string, line: number): number {
  const ms = TIME.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== text) {
    throw new LedgerError('MALFORMED_KEY', `keyring line ${line}: time must look like 2026-01-01T00:00:00.000Z`);
  }
  return ms;
}

function parseLines<K extends NoteVerifierKey>(text: string, parseKey: (s: string) => K): KeyringEntry<K>[] {
  const entries: KeyringEntry<K>[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) return;
    const [keyText, ...options] = line.split(/ +/);
    let notBefore: number | null = null;
    let notAfter: number | null = null;
    for (const option of options) {
      if (option.startsWith('not-before=') && notBefore === null) notBefore = parseTime(option.slice(11), i + 1);
      else if (option.startsWith('not-after=') && notAfter === null) notAfter = parseTime(option.slice(10), i + 1);
      else throw new LedgerError('MALFORMED_KEY', `keyring line ${i + 1}: unknown or repeated option ${JSON.stringify(option)}`);
    }
    entries.push({ key: parseKey(keyText as string), window: { notBefore, notAfter } });
  });
  return entries;
}

function formatWindow(window: KeyWindow): string {
  const parts: string[] = [];
  if (window.notBefore !== null) parts.push(`not-before=${new Date(window.notBefore).toISOString()}`);
  if (window.notAfter !== null) parts.push(`not-after=${new Date(window.notAfter).toISOString()}`);
  return parts.map((p) => ` ${p}`).join('');
}

function check<K extends NoteVerifierKey>(entries: readonly KeyringEntry<K>[]): Map<string, KeyringEntry<K>> {
  const byId = new Map<string, KeyringEntry<K>>();
  for (const entry of entries) {
    const { notBefore, notAfter } = entry.window;
    if (notBefore !== null && notAfter !== null && notAfter <= notBefore) {
      throw new LedgerError('MALFORMED_KEY', `key ${entry.key.name}: not-after must be later than not-before`);
    }
    const id = `${entry.key.name}+${keyIdHex(entry.key.keyId)}`;
    if (byId.has(id)) throw new LedgerError('MALFORMED_KEY', `key ${id} is listed twice`);
    byId.set(id, entry);
  }
  return byId;
}

/** Public keys an auditor trusts, each with the event-time window it may sign for. */
export class Keyring {
  private readonly byId: Map<string, KeyringEntry>;

  constructor(readonly entries: readonly KeyringEntry[]) {
    this.byId = check(entries);
  }

  /** Reads the text form (a keyring file, or public keys from an env string). Throws MALFORMED_KEY. */
  static parse(text: string): Keyring {
    return new Keyring(parseLines(text, parseVerifierKey));
  }

  lookup(name: string, keyId: number): KeyringEntry | undefined {
    return this.byId.get(`${name}+${keyIdHex(keyId)}`);
  }

  format(): string {
    return this.entries.map((e) => `${formatVerifierKey(e.key)}${formatWindow(e.window)}\n`).join('');
  }
}

/** Private keys a ledger-worker signs with; the public half is the Keyring to publish. */
export class SigningKeys {
  constructor(readonly entries: readonly KeyringEntry<NoteSignerKey>[]) {
    check(entries);
    if (entries.length === 0) throw new LedgerError('MALFORMED_KEY', 'no signing key');
  }

  static parse(text: string): SigningKeys {
    return new SigningKeys(parseLines(text, parseSignerKey));
  }

  /**
   * The key for a checkpoint at this event time: among those whose window
   * holds it, the one that became valid last (during a rotation overlap the
   * new key signs). A pure function of event time, so a replay picks the same key.
   */
  signerFor(eventTime: number): NoteSignerKey {
    let best: KeyringEntry<NoteSignerKey> | undefined;
    for (const e of this.entries) {
      if (!windowContains(e.window, eventTime)) continue;
      if (best === undefined || (e.window.notBefore ?? -Infinity) > (best.window.notBefore ?? -Infinity)) best = e;
    }
    if (best === undefined) throw new LedgerError('EXPIRED_KEY', `no signing key is valid at event time ${describeEventTime(eventTime)}`);
    return best.key;
  }

  keyring(): Keyring {
    return new Keyring(this.entries.map((e) => ({ key: verifierKeyOf(e.key), window: e.window })));
  }

  format(): string {
    return this.entries.map((e) => `${formatSignerKey(e.key)}${formatWindow(e.window)}\n`).join('');
  }
}
