// The default KeyWrapper: a 256-bit key-encryption key from a secret file
// (a Kubernetes secret or a file only the service user can read). The file
// holds one line, `mcpg-kek-v1 <base64 of 32 random bytes>`. A data key is
// wrapped with AES-256-GCM under a fresh nonce, its org and version as
// additional data: nonce (12) | wrapped key (32) | tag (16).
import { createHash, randomBytes } from 'node:crypto';
import { gcmOpen, gcmSeal, KEY_BYTES, NONCE_BYTES, TAG_BYTES } from './aes-gcm.ts';
import { PayloadCryptoError } from './errors.ts';
import type { KeyWrapper, WrapContext } from './key-wrapper.ts';

const PREFIX = 'mcpg-kek-v1 ';
const WRAPPED_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES;

export function generateKekText(): string {
  return `${PREFIX}${randomBytes(KEY_BYTES).toString('base64')}\n`;
}

function wrapAad(c: WrapContext): Buffer {
  const org = Buffer.from(c.org, 'utf8');
  const out = Buffer.alloc(16 + 4 + org.length + 4);
  out.write('mcpg.datakey.v1\0', 0, 'utf8');
  out.writeUInt32BE(org.length, 16);
  org.copy(out, 20);
  out.writeUInt32BE(c.version, 20 + org.length);
  return out;
}

export class FileKek implements KeyWrapper {
  readonly id: string;
  readonly #kek: Buffer;

  private constructor(kek: Buffer) {
    this.#kek = kek;
    // A fingerprint, not the key: SHA-256 of a 256-bit random key reveals nothing usable.
    this.id = `file:${createHash('sha256').update('mcpg kek id\0').update(kek).digest('hex').slice(0, 16)}`;
  }

  static parse(text: string): FileKek {
    const line = text.trim();
    const kek = line.startsWith(PREFIX) ? Buffer.from(line.slice(PREFIX.length), 'base64') : Buffer.alloc(0);
    if (kek.length !== KEY_BYTES || kek.toString('base64') !== line.slice(PREFIX.length)) {
      throw new PayloadCryptoError('MALFORMED_KEYSTORE', `a KEK file holds one line "${PREFIX.trim()} <base64 of 32 bytes>" (mcpg keys payload-kek writes one)`);
    }
    return new FileKek(kek);
  }

  async wrap(dataKey: Uint8Array, context: WrapContext): Promise<Buffer> {
    const nonce = randomBytes(NONCE_BYTES);
    const { ciphertext, tag } = gcmSeal(this.#kek, nonce, dataKey, wrapAad(context));
    return Buffer.concat([nonce, ciphertext, tag]);
  }

  async unwrap(wrapped: Uint8Array, context: WrapContext): Promise<Buffer> {
    const b = Buffer.from(wrapped);
    if (b.length !== WRAPPED_BYTES) throw new PayloadCryptoError('UNWRAP_FAILED', `a wrapped data key is ${WRAPPED_BYTES} bytes, got ${b.length}`);
    try {
      return gcmOpen(this.#kek, b.subarray(0, NONCE_BYTES), b.subarray(NONCE_BYTES, NONCE_BYTES + KEY_BYTES), b.subarray(NONCE_BYTES + KEY_BYTES), wrapAad(context));
    } catch (cause) {
      throw new PayloadCryptoError('UNWRAP_FAILED', `the data key of ${context.org} v${context.version} does not unwrap under KEK ${this.id}`, { cause });
    }
  }
}
