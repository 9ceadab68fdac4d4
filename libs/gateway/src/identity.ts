// API keys → identity. The configuration holds only SHA-256 digests of the
// keys; a presented key is hashed and looked up. (A digest lookup in a map
// leaks nothing useful through timing: the attacker does not control the
// digest's bytes.)
import { createHash } from 'node:crypto';
import type { ApiKeyConfig } from './config/gateway-config.ts';

export interface Identity {
  readonly keyId: string;
  readonly org: string;
  readonly workspace: string;
  readonly actor: string;
}

export type Authenticator = (presentedKey: string | undefined) => Identity | null;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function compileApiKeys(keys: readonly ApiKeyConfig[]): Authenticator {
  const byHash = new Map<string, Identity>(keys.map((k) => [k.sha256, { keyId: k.id, org: k.org, workspace: k.workspace, actor: k.actor }]));
  return (presented) => (presented ? (byHash.get(hashApiKey(presented)) ?? null) : null);
}

/** The key from `Authorization: Bearer <key>` or `X-Api-Key: <key>`. */
export function keyFromHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const x = headers['x-api-key'];
  return typeof x === 'string' && x.length > 0 ? x : undefined;
}
