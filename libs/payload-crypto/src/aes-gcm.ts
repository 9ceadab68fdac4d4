// AES-256-GCM on node:crypto (OpenSSL, AES-NI): the one primitive payload
// capture and key wrapping use. Only 256-bit keys, 96-bit nonces and full
// 128-bit tags are accepted, so a short tag or a long nonce (which GCM would
// take and then hash into a different counter) can never slip in.
// bench/payload-crypto.ts measures this against @noble/ciphers.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { PayloadCryptoError } from './errors.ts';

export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

export interface GcmSealed {
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

function checkLengths(key: Uint8Array, nonce: Uint8Array): void {
  if (key.length !== KEY_BYTES) throw new PayloadCryptoError('INVALID_LENGTH', `AES-256-GCM key must be ${KEY_BYTES} bytes, got ${key.length}`);
  if (nonce.length !== NONCE_BYTES) throw new PayloadCryptoError('INVALID_LENGTH', `AES-GCM nonce must be ${NONCE_BYTES} bytes, got ${nonce.length}`);
}

export function gcmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): GcmSealed {
  checkLengths(key, nonce);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const head = cipher.update(plaintext);
  const tail = cipher.final();
  return { ciphertext: tail.length === 0 ? head : Buffer.concat([head, tail]), tag: cipher.getAuthTag() };
}

/** The plaintext, or TAG_MISMATCH: no byte of an unauthenticated plaintext is ever returned. */
export function gcmOpen(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Buffer {
  checkLengths(key, nonce);
  if (tag.length !== TAG_BYTES) throw new PayloadCryptoError('INVALID_LENGTH', `AES-GCM tag must be ${TAG_BYTES} bytes, got ${tag.length}`);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const head = decipher.update(ciphertext);
  try {
    const tail = decipher.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch (cause) {
    head.fill(0);
    throw new PayloadCryptoError('TAG_MISMATCH', 'AES-GCM authentication failed', { cause });
  }
}
