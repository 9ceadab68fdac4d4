// The key-encryption-key provider: wraps and unwraps per-org data keys. The
// default is a KEK read from a mounted secret file (file-kek.ts); the same
// two calls map onto a remote service that never hands its key out:
//   - Vault Transit: wrap = POST transit/encrypt/<name> with the data key as
//     plaintext and the context as `context` (a derived key), unwrap =
//     POST transit/decrypt/<name>; `id` = "vault:<name>:v<latest version>".
//   - A cloud KMS: wrap = Encrypt(KeyId, data key, EncryptionContext =
//     {org, version}), unwrap = Decrypt(...same context); `id` = the key's ARN
//     or resource name.
// The context binds a wrapped key to its org and version, so a wrapped key
// copied to another org's entry in the keystore does not unwrap.
export interface WrapContext {
  readonly org: string;
  readonly version: number;
}

export interface KeyWrapper {
  /** Names the KEK; recorded beside each wrapped key, so a keystore shows which KEK it needs. */
  readonly id: string;
  wrap(dataKey: Uint8Array, context: WrapContext): Promise<Buffer>;
  /** The data key, or UNWRAP_FAILED. */
  unwrap(wrapped: Uint8Array, context: WrapContext): Promise<Buffer>;
}
