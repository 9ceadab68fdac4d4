// The unwrapped data keys of a keystore, for the two processes that seal and
// open payloads (the gateway and the query API). Built once per keystore
// change; a lookup is a map read.
import { PayloadCryptoError } from './errors.ts';
import type { KeyWrapper } from './key-wrapper.ts';
import type { KeystoreDoc } from './payload-keystore.ts';

export interface DataKey {
  readonly version: number;
  readonly key: Buffer;
}

interface OrgRing {
  readonly live: Map<number, Buffer>;
  readonly shredded: Set<number>;
  readonly current: DataKey | null;
}

export class PayloadKeyring {
  readonly #orgs: Map<string, OrgRing>;

  private constructor(orgs: Map<string, OrgRing>) {
    this.#orgs = orgs;
  }

  /** Unwraps every live key; `orgs` limits it to those orgs (a gateway needs only its own). */
  static async open(doc: KeystoreDoc, wrapper: KeyWrapper, orgs?: ReadonlySet<string>): Promise<PayloadKeyring> {
    const out = new Map<string, OrgRing>();
    for (const [org, o] of Object.entries(doc.orgs)) {
      if (orgs && !orgs.has(org)) continue;
      const live = new Map<number, Buffer>();
      for (const k of o.keys) live.set(k.version, await wrapper.unwrap(Buffer.from(k.wrapped, 'base64'), { org, version: k.version }));
      const top = Math.max(0, ...live.keys());
      out.set(org, { live, shredded: new Set(o.shredded.map((s) => s.version)), current: top > 0 ? { version: top, key: live.get(top)! } : null });
    }
    return new PayloadKeyring(out);
  }

  /** The key new payloads of the org are sealed with: its highest live version. */
  current(org: string): DataKey {
    const ring = this.#orgs.get(org);
    if (!ring?.current) throw new PayloadCryptoError('NO_ORG_KEY', `org ${org} has no live payload key`);
    return ring.current;
  }

  hasKey(org: string): boolean {
    return this.#orgs.get(org)?.current != null;
  }

  /** The key of a stored payload's version: KEY_SHREDDED or KEY_VERSION_MISSING when there is none. */
  key(org: string, version: number): Buffer {
    const ring = this.#orgs.get(org);
    const key = ring?.live.get(version);
    if (key) return key;
    if (ring?.shredded.has(version)) throw new PayloadCryptoError('KEY_SHREDDED', `payload key v${version} of org ${org} was shredded`);
    throw new PayloadCryptoError('KEY_VERSION_MISSING', `org ${org} has no payload key v${version}`);
  }
}
