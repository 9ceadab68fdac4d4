// The payload keystore: per org, the data keys (random 256-bit, stored only
// wrapped by the KEK) by version, and the versions that were shredded. It is
// a JSON document (docs/operations.md, "Payload capture"); these functions
// change it without touching any payload:
//   - rotate: a new version for the org; new captures use it, old versions
//     still decrypt what they sealed.
//   - rewrap: every live data key unwrapped with the old KEK and wrapped with
//     the new one (KEK rotation); versions and key bytes stay the same.
//   - shred: every live key of the org is deleted, only its version number and
//     time are kept, so a reader can say KEY_SHREDDED rather than "unknown".
import { randomBytes } from 'node:crypto';
import { KEY_BYTES } from './aes-gcm.ts';
import { PayloadCryptoError } from './errors.ts';
import type { KeyWrapper } from './key-wrapper.ts';

export const KEYSTORE_FORMAT = 'mcpg-payload-keys/1';

export interface WrappedKey {
  readonly version: number;
  /** KeyWrapper.id of the KEK that wrapped it. */
  readonly kek: string;
  /** base64 */
  readonly wrapped: string;
  readonly created_at: string;
}

export interface ShreddedKey {
  readonly version: number;
  readonly shredded_at: string;
}

export interface OrgKeys {
  readonly keys: readonly WrappedKey[];
  readonly shredded: readonly ShreddedKey[];
}

export interface KeystoreDoc {
  readonly format: typeof KEYSTORE_FORMAT;
  readonly orgs: Readonly<Record<string, OrgKeys>>;
}

export function emptyKeystore(): KeystoreDoc {
  return { format: KEYSTORE_FORMAT, orgs: {} };
}

const isVersion = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 0xffffffff;

export function parseKeystore(text: string): KeystoreDoc {
  const bad = (why: string) => new PayloadCryptoError('MALFORMED_KEYSTORE', `payload keystore: ${why}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new PayloadCryptoError('MALFORMED_KEYSTORE', 'payload keystore: not JSON', { cause });
  }
  const d = doc as Partial<KeystoreDoc> | null;
  if (!d || d.format !== KEYSTORE_FORMAT) throw bad(`"format" must be "${KEYSTORE_FORMAT}"`);
  if (!d.orgs || typeof d.orgs !== 'object') throw bad('"orgs" must be an object');
  for (const [org, o] of Object.entries(d.orgs)) {
    if (!Array.isArray(o?.keys) || !Array.isArray(o?.shredded)) throw bad(`org ${JSON.stringify(org)} needs "keys" and "shredded" arrays`);
    const seen = new Set<number>();
    for (const k of [...o.keys, ...o.shredded]) {
      if (!isVersion(k.version) || seen.has(k.version)) throw bad(`org ${JSON.stringify(org)} has a missing or repeated version`);
      seen.add(k.version);
    }
    for (const k of o.keys) if (typeof k.kek !== 'string' || typeof k.wrapped !== 'string') throw bad(`org ${JSON.stringify(org)} v${k.version} needs "kek" and "wrapped"`);
  }
  return d as KeystoreDoc;
}

export function formatKeystore(doc: KeystoreDoc): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function orgOf(doc: KeystoreDoc, org: string): OrgKeys {
  return doc.orgs[org] ?? { keys: [], shredded: [] };
}

function checkOrg(org: string): void {
  if (org === '' || org.length > 256) throw new PayloadCryptoError('INVALID_ARGUMENT', 'an org name is 1 to 256 characters');
}

/** A new data key version for the org (one more than any it ever had, shredded ones included). */
export async function rotateOrgKey(doc: KeystoreDoc, org: string, wrapper: KeyWrapper, now: Date): Promise<{ doc: KeystoreDoc; version: number }> {
  checkOrg(org);
  const o = orgOf(doc, org);
  const version = Math.max(0, ...o.keys.map((k) => k.version), ...o.shredded.map((k) => k.version)) + 1;
  const dataKey = randomBytes(KEY_BYTES);
  const wrapped = await wrapper.wrap(dataKey, { org, version });
  dataKey.fill(0);
  const key: WrappedKey = { version, kek: wrapper.id, wrapped: wrapped.toString('base64'), created_at: now.toISOString() };
  return { doc: { ...doc, orgs: { ...doc.orgs, [org]: { keys: [...o.keys, key], shredded: o.shredded } } }, version };
}

/** Every live data key rewrapped from `from` to `to`; payloads and versions unchanged. */
export async function rewrapKeystore(doc: KeystoreDoc, from: KeyWrapper, to: KeyWrapper): Promise<{ doc: KeystoreDoc; rewrapped: Record<string, number[]> }> {
  const orgs: Record<string, OrgKeys> = {};
  const rewrapped: Record<string, number[]> = {};
  for (const [org, o] of Object.entries(doc.orgs)) {
    const keys: WrappedKey[] = [];
    for (const k of o.keys) {
      const context = { org, version: k.version };
      const dataKey = await from.unwrap(Buffer.from(k.wrapped, 'base64'), context);
      const wrapped = await to.wrap(dataKey, context);
      dataKey.fill(0);
      keys.push({ ...k, kek: to.id, wrapped: wrapped.toString('base64') });
    }
    orgs[org] = { keys, shredded: o.shredded };
    rewrapped[org] = keys.map((k) => k.version);
  }
  return { doc: { ...doc, orgs }, rewrapped };
}

/** The org's live keys deleted; their versions are remembered as shredded. */
export function shredOrgKeys(doc: KeystoreDoc, org: string, now: Date): { doc: KeystoreDoc; versions: number[] } {
  checkOrg(org);
  const o = orgOf(doc, org);
  const versions = o.keys.map((k) => k.version);
  const shredded = [...o.shredded, ...versions.map((version) => ({ version, shredded_at: now.toISOString() }))];
  return { doc: { ...doc, orgs: { ...doc.orgs, [org]: { keys: [], shredded } } }, versions };
}
