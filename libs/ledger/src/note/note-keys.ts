// Note keys in the text forms of golang.org/x/mod/sumdb/note, which the C2SP
// signed-note spec grew out of, so keys move between our tools and Go ones:
//   verifier key: <name>+<key id, 8 hex>+<base64(0x01 || 32-byte public key)>
//   signer key:   PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(0x01 || 32-byte seed)>
// key id = first 4 bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || public key).
import { randomBytes } from 'node:crypto';
import { fromBase64Strict, toBase64 } from '../bytes.ts';
import { LedgerError } from '../errors.ts';
import { sha256 } from '../hashing.ts';
import { ED25519_PUBLIC_KEY_SIZE, ED25519_SEED_SIZE, ed25519PublicKey } from './ed25519.ts';

/** The signature type byte C2SP assigns to Ed25519 notes. */
export const NOTE_ALG_ED25519 = 0x01;
const PRIVATE_PREFIX = 'PRIVATE+KEY+';
const KEY_ID_HEX = /^[0-9a-f]{8}$/;

export interface NoteVerifierKey {
  readonly name: string;
  /** uint32 key id */
  readonly keyId: number;
  readonly publicKey: Uint8Array;
}

export interface NoteSignerKey extends NoteVerifierKey {
  /** The 32-byte RFC 8032 private key (seed). Never log it. */
  readonly seed: Uint8Array;
}

/** Non-empty, well-formed, no Unicode spaces, no "+" (C2SP signed-note), no control characters. */
export function isValidKeyName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !/[\p{White_Space}\p{Cc}+]|[\uD800-\uDFFF]/u.test(name)
  );
}

export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(nameBytes.length + 2 + publicKey.length);
  input.set(nameBytes, 0);
  input[nameBytes.length] = 0x0a;
  input[nameBytes.length + 1] = NOTE_ALG_ED25519;
  input.set(publicKey, nameBytes.length + 2);
  return Buffer.from(sha256(input)).readUInt32BE(0);
}

export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

export function signerKeyFromSeed(name: string, seed: Uint8Array): NoteSignerKey {
  if (!isValidKeyName(name)) throw new LedgerError('INVALID_ARGUMENT', `invalid key name ${JSON.stringify(name)}`);
  if (seed.length !== ED25519_SEED_SIZE) throw new LedgerError('INVALID_ARGUMENT', 'an Ed25519 seed is 32 bytes');
  const publicKey = ed25519PublicKey(seed);
  return { name, keyId: noteKeyId(name, publicKey), publicKey, seed: new Uint8Array(seed) };
}

/** A new signing key from the operating system's CSPRNG. */
export function generateSignerKey(name: string): NoteSignerKey {
  return signerKeyFromSeed(name, new Uint8Array(randomBytes(ED25519_SEED_SIZE)));
}

export function verifierKeyOf(key: NoteSignerKey): NoteVerifierKey {
  return { name: key.name, keyId: key.keyId, publicKey: key.publicKey };
}

const withAlg = (key: Uint8Array): string => toBase64(Uint8Array.of(NOTE_ALG_ED25519, ...key));

export function formatVerifierKey(key: NoteVerifierKey): string {
  return `${key.name}+${keyIdHex(key.keyId)}+${withAlg(key.publicKey)}`;
}

export function formatSignerKey(key: NoteSignerKey): string {
  return `${PRIVATE_PREFIX}${key.name}+${keyIdHex(key.keyId)}+${withAlg(key.seed)}`;
}

function malformed(what: string): LedgerError {
  return new LedgerError('MALFORMED_KEY', what);
}

/** name, key id and key bytes of "<name>+<hex id>+<base64>"; the base64 part may itself hold "+". */
function splitKey(text: string, kind: string): { name: string; keyId: number; key: Uint8Array } {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw malformed(`${kind} key is not <name>+<key id>+<key>`);
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  if (!isValidKeyName(name)) throw malformed(`${kind} key has an invalid name`);
  if (!KEY_ID_HEX.test(idHex)) throw malformed(`${kind} key id must be 8 lower-case hex digits`);
  const raw = fromBase64Strict(text.slice(second + 1));
  if (raw === undefined || raw.length !== 33 || raw[0] !== NOTE_ALG_ED25519) {
    throw malformed(`${kind} key is not base64 of 0x01 followed by 32 bytes`);
  }
  return { name, keyId: parseInt(idHex, 16), key: raw.subarray(1) };
}

export function parseVerifierKey(text: string): NoteVerifierKey {
  const { name, keyId, key } = splitKey(text, 'verifier');
  if (noteKeyId(name, key) !== keyId) throw malformed(`verifier key id ${keyIdHex(keyId)} does not match its name and key`);
  return { name, keyId, publicKey: new Uint8Array(key) };
}

export function parseSignerKey(text: string): NoteSignerKey {
  if (!text.startsWith(PRIVATE_PREFIX)) throw malformed(`signer key must start with ${PRIVATE_PREFIX}`);
  const { name, keyId, key } = splitKey(text.slice(PRIVATE_PREFIX.length), 'signer');
  if (key.length !== ED25519_PUBLIC_KEY_SIZE) throw malformed('signer seed must be 32 bytes');
  const signer = signerKeyFromSeed(name, key);
  if (signer.keyId !== keyId) throw malformed(`signer key id ${keyIdHex(keyId)} does not match its name and key`);
  return signer;
}
