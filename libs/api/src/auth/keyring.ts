// Finds the key a bearer token belongs to. The token is hashed once and the
// hash compared with every configured hash using timingSafeEqual, without an
// early exit, so the answer time does not depend on which key (if any) matched.
import { timingSafeEqual } from 'node:crypto';
import { hashSecret, type ApiKey } from './api-key.ts';

export interface Keyring {
  readonly size: number;
  /** The key whose secret is `token`, or undefined. */
  authenticate(token: string): ApiKey | undefined;
}

export function createKeyring(keys: readonly ApiKey[]): Keyring {
  const entries = keys.map((key) => ({ key, hash: Buffer.from(key.sha256, 'hex') }));
  return {
    size: entries.length,
    authenticate(token) {
      const presented = Buffer.from(hashSecret(token), 'hex');
      let found: ApiKey | undefined;
      for (const e of entries) {
        if (timingSafeEqual(presented, e.hash) && found === undefined) found = e.key;
      }
      return found;
    },
  };
}
