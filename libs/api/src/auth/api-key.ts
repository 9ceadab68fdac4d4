// API keys: who may call the query API, for which orgs, in which roles. A
// key's secret is never stored or configured, only its SHA-256 hash; the
// bearer token a client sends is hashed and compared with every configured
// hash in constant time.
import { createHash, randomBytes } from 'node:crypto';
import { ApiAuthError } from './auth-errors.ts';

/**
 * What a key may read. `sql`: the analyst SQL endpoint. `admin` holds every
 * other role but `payload`: opening captured payloads is granted on its own,
 * so an operator key does not read tenants' data by default.
 */
export const API_ROLES = ['metrics', 'audit', 'export', 'sql', 'admin', 'payload'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** A key's org scope: listed orgs, or `*` for every org. */
export const ALL_ORGS = '*';

export interface ApiKey {
  /** A name for logs and audit (never the secret). */
  readonly id: string;
  /** SHA-256 of the secret, lowercase hex. */
  readonly sha256: string;
  readonly orgs: readonly string[];
  readonly roles: readonly ApiRole[];
}

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Same rule as org ids in URLs (ORG_PATTERN), or `*`. */
const ORG = /^(\*|[A-Za-z0-9][A-Za-z0-9_.-]{0,127})$/;

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A new random secret: 32 bytes, URL-safe, with a prefix that secret scanners can match. */
export function generateSecret(): string {
  return `mcpg_${randomBytes(32).toString('base64url')}`;
}

export function hasRole(key: ApiKey, role: ApiRole): boolean {
  return key.roles.includes(role) || (role !== 'payload' && key.roles.includes('admin'));
}

export function coversOrg(key: ApiKey, org: string): boolean {
  return key.orgs.includes(ALL_ORGS) || key.orgs.includes(org);
}

/**
 * Validates one key entry (from a keys file or the environment); `where`
 * names its source in the error so an operator knows what to fix.
 */
export function toApiKey(raw: unknown, where: string): ApiKey {
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const fail = (what: string): never => {
    throw new ApiAuthError('INVALID_API_KEY_CONFIG', `${where}: ${what}`);
  };
  const id = typeof o.id === 'string' && KEY_ID.test(o.id) ? o.id : fail(`id must match ${KEY_ID}`);
  const sha256 =
    typeof o.sha256 === 'string' && SHA256_HEX.test(o.sha256)
      ? o.sha256
      : fail(`key ${id}: sha256 must be the 64-character lowercase hex SHA-256 of the secret (never the secret itself)`);
  const orgs = Array.isArray(o.orgs) && o.orgs.length > 0 && o.orgs.every((x) => typeof x === 'string' && ORG.test(x)) ? (o.orgs as string[]) : fail(`key ${id}: orgs must list org ids or "*"`);
  const roles =
    Array.isArray(o.roles) && o.roles.length > 0 && o.roles.every((x) => (API_ROLES as readonly unknown[]).includes(x))
      ? (o.roles as ApiRole[])
      : fail(`key ${id}: roles must list some of ${API_ROLES.join(', ')}`);
  return { id, sha256, orgs: [...new Set(orgs)], roles: [...new Set(roles)] };
}

/** Parses a keys document: `{"keys": [{id, sha256, orgs, roles}, …]}`. Ids must be unique. */
export function parseApiKeys(text: string, where: string): ApiKey[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ApiAuthError('INVALID_API_KEY_CONFIG', `${where}: not JSON`);
  }
  const list = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new ApiAuthError('INVALID_API_KEY_CONFIG', `${where}: expected {"keys": [...]}`);
  const keys = list.map((k, i) => toApiKey(k, `${where} keys[${i}]`));
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k.id)) throw new ApiAuthError('INVALID_API_KEY_CONFIG', `${where}: duplicate key id ${k.id}`);
    seen.add(k.id);
  }
  return keys;
}

/**
 * The compact form for an environment variable: `id:sha256:org1|org2:role1|role2`,
 * entries separated by `,` or whitespace.
 */
export function parseApiKeySpecs(text: string, where: string): ApiKey[] {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  return parseApiKeys(
    JSON.stringify({
      keys: entries.map((e) => {
        const [id, sha256, orgs, roles, ...rest] = e.split(':');
        if (rest.length > 0 || roles === undefined) {
          throw new ApiAuthError('INVALID_API_KEY_CONFIG', `${where}: each entry is id:sha256:orgs:roles (orgs and roles separated by |)`);
        }
        return { id, sha256, orgs: orgs?.split('|'), roles: roles.split('|') };
      }),
    }),
    where,
  );
}
