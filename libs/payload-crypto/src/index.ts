export { gcmOpen, gcmSeal, KEY_BYTES, NONCE_BYTES, TAG_BYTES, type GcmSealed } from './aes-gcm.ts';
export { isPayloadField, payloadAad, type PayloadContext } from './payload-aad.ts';
export { openPayload, sealPayload, type SealedPayload } from './payload-cipher.ts';
export { isPayloadCryptoError, PAYLOAD_CRYPTO_ERROR_CODES, PAYLOAD_CRYPTO_ERROR_DOCS, PayloadCryptoError, type PayloadCryptoErrorCode } from './errors.ts';
export type { KeyWrapper, WrapContext } from './key-wrapper.ts';
export { FileKek, generateKekText } from './file-kek.ts';
export {
  emptyKeystore,
  formatKeystore,
  KEYSTORE_FORMAT,
  parseKeystore,
  rewrapKeystore,
  rotateOrgKey,
  shredOrgKeys,
  type KeystoreDoc,
  type OrgKeys,
  type ShreddedKey,
  type WrappedKey,
} from './payload-keystore.ts';
export { PayloadKeyring, type DataKey } from './payload-keyring.ts';
export { LiveKeyring, readKekFile, readKeystoreFile, stageKeystoreFile, type LiveKeyringOptions } from './keystore-file.ts';
