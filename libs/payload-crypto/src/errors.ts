// The payload-crypto error catalog. A code says what a reader of a captured
// payload (the decrypt-on-view route, an operator's key command) can act on;
// the message never carries key bytes or plaintext. Nothing is retriable: a
// failed tag check or a shredded key is a property of the bytes, not of the
// moment.

export const PAYLOAD_CRYPTO_ERROR_CODES = [
  /** Authentication failed: ciphertext, tag, nonce or bound context altered. */
  'TAG_MISMATCH',
  /** A key, nonce or tag of the wrong length was handed in. */
  'INVALID_LENGTH',
  /** The payload names a key version the keystore never had for its org. */
  'KEY_VERSION_MISSING',
  /** The key version existed and was destroyed (crypto-shredding). */
  'KEY_SHREDDED',
  /** The org has no payload key at all (capture cannot encrypt for it). */
  'NO_ORG_KEY',
  /** A wrapped data key does not unwrap under this key-encryption key. */
  'UNWRAP_FAILED',
  /** The keystore or KEK file does not follow the documented format. */
  'MALFORMED_KEYSTORE',
  /** An argument is out of range (an org name, a version, a field). */
  'INVALID_ARGUMENT',
] as const;
export type PayloadCryptoErrorCode = (typeof PAYLOAD_CRYPTO_ERROR_CODES)[number];

export const PAYLOAD_CRYPTO_ERROR_DOCS: Readonly<Record<PayloadCryptoErrorCode, string>> = {
  TAG_MISMATCH:
    'AES-GCM authentication failed: the ciphertext, tag or nonce was altered, or the row was moved to another org, call, field or key version than the one it was sealed for.',
  INVALID_LENGTH: 'A key is not 32 bytes, a nonce not 12 bytes or a tag not 16 bytes.',
  KEY_VERSION_MISSING: 'The payload was sealed under a key version this keystore has no record of for the org (a keystore from before its rotation, or a row from elsewhere).',
  KEY_SHREDDED: 'The key version that sealed the payload was destroyed on purpose (crypto-shredding); the payload can never be read again.',
  NO_ORG_KEY: 'The org has no live payload data key: create one with `mcpg keys payload rotate --org <org>` before capture can encrypt for it.',
  UNWRAP_FAILED: 'A wrapped data key did not unwrap under the key-encryption key given: the wrong KEK file, or an altered keystore entry.',
  MALFORMED_KEYSTORE: 'The payload keystore or the KEK file does not follow the documented format.',
  INVALID_ARGUMENT: 'A value handed to payload crypto is out of range (an empty org, a key version below 1, an unknown field).',
};

export class PayloadCryptoError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: PayloadCryptoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PayloadCryptoError';
  }
}

export function isPayloadCryptoError(e: unknown): e is PayloadCryptoError {
  return e instanceof PayloadCryptoError;
}
