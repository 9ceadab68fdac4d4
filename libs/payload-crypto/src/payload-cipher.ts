// Seals and opens one captured payload (the masked arguments or response of a
// call) under an org's data key: AES-256-GCM with a fresh random 96-bit nonce
// per payload and the payload's context as additional data. Random nonces are
// safe here: a data key seals far fewer than 2^32 payloads before it is
// rotated (NIST SP 800-38D, 8.3), and `mcpg keys payload rotate` starts a new key.
import { randomBytes } from 'node:crypto';
import { gcmOpen, gcmSeal, NONCE_BYTES } from './aes-gcm.ts';
import { payloadAad, type PayloadContext } from './payload-aad.ts';

export interface SealedPayload {
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

export function sealPayload(dataKey: Uint8Array, context: PayloadContext, plaintext: Uint8Array): SealedPayload {
  const nonce = randomBytes(NONCE_BYTES);
  return { nonce, ...gcmSeal(dataKey, nonce, plaintext, payloadAad(context)) };
}

/** The plaintext; TAG_MISMATCH when anything (bytes or context) differs from what was sealed. */
export function openPayload(dataKey: Uint8Array, context: PayloadContext, sealed: SealedPayload): Buffer {
  return gcmOpen(dataKey, sealed.nonce, sealed.ciphertext, sealed.tag, payloadAad(context));
}
