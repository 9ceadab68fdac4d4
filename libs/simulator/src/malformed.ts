// Broken messages of the kinds a real fleet produces (a gateway on a newer
// schema, a truncated write, a stray producer), so the dead-letter path is
// exercised by demo traffic and tests alike.
import type { Random } from './random.ts';

export const MALFORMED_KINDS = ['garbage', 'bad-magic', 'unknown-fingerprint', 'truncated'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

export function malformedMessage(kind: MalformedKind, valid: Buffer, rnd: Random): Buffer {
  switch (kind) {
    case 'garbage':
      return Buffer.from(Array.from({ length: 8 + rnd.int(64) }, () => rnd.int(256)));
    case 'bad-magic': {
      const b = Buffer.from(valid);
      b[0] = 0x00;
      return b;
    }
    case 'unknown-fingerprint': {
      const b = Buffer.from(valid);
      for (let i = 2; i < 10; i++) b[i] = rnd.int(256);
      return b;
    }
    case 'truncated':
      // Keep the header and a few body bytes: the fingerprint is known, the body is cut.
      return valid.subarray(0, Math.min(valid.length - 1, 10 + rnd.int(6)));
  }
}
