// Checks, in the browser, that a ledger row is in a signed checkpoint: the
// RFC 9162 (§2.1.3.2) audit path from the row's leaf hash must lead to the
// root of the checkpoint's signed note, and the note must carry a valid
// Ed25519 signature (C2SP signed-note) by a published key whose name and key
// id match. Everything comes from public routes; nothing here trusts the API's
// own verdict. SHA-256 and Ed25519 are pure JS (noble), so this works without
// WebCrypto (which plain-http pages other than localhost do not get).
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export const fromHex = (h: string): Uint8Array => {
  if (!/^([0-9a-f]{2})*$/.test(h)) throw new Error('not lower-case hex');
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
};
export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const fromBase64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(65);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 33);
  return sha256(buf);
}

/** The root an inclusion proof leads to (RFC 9162 §2.1.3.2), or undefined if it cannot be for this index and size. */
export function rootFromProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Uint8Array | undefined {
  if (index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

export interface PublishedKey {
  /** name+keyid+base64(0x01 || public key), as /v1/ledger/keys lists it. */
  readonly verifier_key: string;
}

interface Verifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
}

function parseVerifier(text: string): Verifier | undefined {
  // name+keyid+base64: names hold no '+', base64 may.
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return undefined;
  const name = text.slice(0, first);
  const idHex = text.slice(first + 1, second);
  const b64 = text.slice(second + 1);
  const raw = fromBase64(b64);
  if (raw.length !== 33 || raw[0] !== 0x01) return undefined;
  const publicKey = raw.subarray(1);
  // The key id is the first 4 bytes of SHA-256(name || "\n" || 0x01 || key): check it, do not take it.
  const input = new Uint8Array([...new TextEncoder().encode(name), 0x0a, 0x01, ...publicKey]);
  const id = new DataView(sha256(input).buffer).getUint32(0);
  return id === parseInt(idHex, 16) ? { name, keyId: id, publicKey } : undefined;
}

export interface NoteCheck {
  readonly ok: boolean;
  /** Key name+id that signed, when ok. */
  readonly signedBy?: string;
  readonly size?: number;
  readonly root?: Uint8Array;
  readonly reason?: string;
}

/** Verifies a signed checkpoint note against the published keys and reads its size and root. */
export function verifyNote(note: string, keys: readonly PublishedKey[]): NoteCheck {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return { ok: false, reason: 'the note has no signature block' };
  const text = note.slice(0, split + 1);
  const [, sizeLine, rootLine] = text.split('\n');
  const size = Number(sizeLine);
  const root = rootLine ? fromBase64(rootLine) : undefined;
  if (!Number.isSafeInteger(size) || !root || root.length !== 32) return { ok: false, reason: 'the note is not a checkpoint (origin, size, root)' };
  const verifiers = keys.map((k) => parseVerifier(k.verifier_key)).filter((v): v is Verifier => v !== undefined);
  const message = new TextEncoder().encode(text);
  for (const line of note.slice(split + 2).split('\n').filter(Boolean)) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) return { ok: false, reason: 'malformed signature line' };
    const blob = fromBase64(m[2]!);
    if (blob.length !== 68) continue;
    const keyId = new DataView(blob.buffer, blob.byteOffset).getUint32(0);
    const key = verifiers.find((v) => v.name === m[1] && v.keyId === keyId);
    if (!key) continue;
    if (!ed.verify(blob.subarray(4), message, key.publicKey, { zip215: false })) return { ok: false, reason: `the signature by ${key.name} does not verify` };
    return { ok: true, signedBy: `${key.name}+${keyId.toString(16).padStart(8, '0')}`, size, root };
  }
  return { ok: false, reason: 'no signature by a published key' };
}

export interface InclusionInput {
  readonly seq: number;
  readonly leafHash: string;
  readonly treeSize: number;
  readonly proof: readonly string[];
  readonly note: string;
}

export type InclusionVerdict = { readonly ok: true; readonly signedBy: string; readonly treeSize: number } | { readonly ok: false; readonly reason: string };

export function verifyInclusion(input: InclusionInput, keys: readonly PublishedKey[]): InclusionVerdict {
  const note = verifyNote(input.note, keys);
  if (!note.ok) return { ok: false, reason: note.reason! };
  if (note.size !== input.treeSize) return { ok: false, reason: `the signed note is for ${note.size} rows, the proof for ${input.treeSize}` };
  const root = rootFromProof(input.seq, input.treeSize, fromHex(input.leafHash), input.proof.map(fromHex));
  if (!root) return { ok: false, reason: 'the proof has the wrong length for this row and tree size' };
  if (!equal(root, note.root!)) return { ok: false, reason: 'the proof does not lead to the signed root' };
  return { ok: true, signedBy: note.signedBy!, treeSize: input.treeSize };
}
