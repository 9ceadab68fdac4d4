// C2SP signed notes (https://c2sp.org/signed-note): a text ending in "\n", a
// blank line, then one or more lines "— <key name> <base64(key id || signature)>".
// Parsing is exact: one spelling per note, so the bytes an auditor checks are
// the bytes that were signed. A signature from a key the verifier does not
// know is skipped (C2SP: "verifiers MUST ignore signatures from unknown keys");
// a known key's signature that fails rejects the whole note.
import { fromBase64Strict, toBase64 } from '../bytes.ts';
import { LedgerError } from '../errors.ts';
import { ED25519_SIGNATURE_SIZE, ed25519Sign, ed25519VerifyStrict } from './ed25519.ts';
import { isValidKeyName, keyIdHex, type NoteSignerKey, type NoteVerifierKey } from './note-keys.ts';

const SIG_PREFIX = '\u2014 '; // em dash, space
const MAX_SIGNATURES = 100;
const MAX_NOTE_LENGTH = 1 << 20;
// ASCII control characters other than "\n", and lone surrogates (not UTF-8).
const FORBIDDEN = /[\x00-\x09\x0b-\x1f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the 4-byte key id (64 for Ed25519; other types may differ). */
  readonly signature: Uint8Array;
}

export interface ParsedNote {
  /** The signed text, including its final newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

function malformed(what: string): LedgerError {
  return new LedgerError('MALFORMED_NOTE', `signed note: ${what}`);
}

function checkText(text: string): void {
  if (text.length === 0 || !text.endsWith('\n')) throw malformed('text must be non-empty and end with a newline');
  if (FORBIDDEN.test(text)) throw malformed('control character or invalid Unicode in text');
}

export function parseNote(note: string): ParsedNote {
  if (typeof note !== 'string' || note.length > MAX_NOTE_LENGTH) throw malformed('not a string or too long');
  if (FORBIDDEN.test(note)) throw malformed('control character or invalid Unicode');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  checkText(text);
  const block = note.slice(split + 2);
  if (!block.endsWith('\n')) throw malformed('signature lines must end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw malformed(`more than ${MAX_SIGNATURES} signatures`);
  const seen = new Set<string>();
  const signatures = lines.map((line): NoteSignature => {
    if (!line.startsWith(SIG_PREFIX)) throw malformed('signature line must start with "\u2014 "');
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    if (space < 0 || !isValidKeyName(name)) throw malformed('signature line must be "\u2014 <key name> <base64>"');
    const blob = fromBase64Strict(rest.slice(space + 1));
    if (blob === undefined || blob.length < 5) throw malformed(`signature by ${name} is not base64 of key id and signature`);
    const keyId = Buffer.from(blob).readUInt32BE(0);
    const key = `${name}+${keyIdHex(keyId)}`;
    if (seen.has(key)) throw malformed(`two signatures by ${key}`);
    seen.add(key);
    return { name, keyId, signature: blob.subarray(4) };
  });
  return { text, signatures };
}

export function formatSignatureLine(sig: NoteSignature): string {
  const blob = new Uint8Array(4 + sig.signature.length);
  new DataView(blob.buffer).setUint32(0, sig.keyId);
  blob.set(sig.signature, 4);
  return `${SIG_PREFIX}${sig.name} ${toBase64(blob)}\n`;
}

/** Signs `text` with each key, in the order given: deterministic bytes for the same keys and text. */
export function signNote(text: string, signers: readonly NoteSignerKey[]): string {
  checkText(text);
  if (signers.length === 0) throw new LedgerError('INVALID_ARGUMENT', 'a signed note needs at least one signer');
  const message = new TextEncoder().encode(text);
  const lines = signers.map((s) =>
    formatSignatureLine({ name: s.name, keyId: s.keyId, signature: ed25519Sign(message, s.seed) }),
  );
  return `${text}\n${lines.join('')}`;
}

export type KeyLookup = (name: string, keyId: number) => NoteVerifierKey | undefined;

export interface VerifiedNote {
  readonly text: string;
  /** The known keys whose signatures verified, in note order. */
  readonly verifiedBy: readonly NoteVerifierKey[];
}

/** Throws MALFORMED_NOTE, UNKNOWN_KEY (no known signer) or BAD_SIGNATURE (a known signer's signature fails). */
export function verifyNote(note: string, lookup: KeyLookup): VerifiedNote {
  const { text, signatures } = parseNote(note);
  const message = new TextEncoder().encode(text);
  const verifiedBy: NoteVerifierKey[] = [];
  for (const sig of signatures) {
    const key = lookup(sig.name, sig.keyId);
    if (key === undefined) continue;
    if (sig.signature.length !== ED25519_SIGNATURE_SIZE || !ed25519VerifyStrict(sig.signature, message, key.publicKey)) {
      throw new LedgerError('BAD_SIGNATURE', `signature by ${sig.name}+${keyIdHex(sig.keyId)} does not verify`);
    }
    verifiedBy.push(key);
  }
  if (verifiedBy.length === 0) {
    const names = signatures.map((s) => `${s.name}+${keyIdHex(s.keyId)}`).join(', ');
    throw new LedgerError('UNKNOWN_KEY', `no signature by a known key (signed by: ${names})`);
  }
  return { text, verifiedBy };
}
