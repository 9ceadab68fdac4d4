// The opaque next_cursor of audit pages: the key of the last row returned
// (occurred_at, seq) plus a digest of the query it belongs to, signed with
// HMAC-SHA256. A cursor is accepted only for the query that issued it and
// only if this API's secret signed it, so a forged or edited cursor, or one
// reused with other filters, is a 400 — never a silently different page.
// Keyset pages continue strictly after the key, so rows arriving meanwhile
// (always newer, or at the same time with a higher seq) cause no duplicates
// and no gaps.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditFilter, AuditKey } from '@mcpg/store';
import { invalidParameter } from '../api-errors.ts';

const VERSION = 1;

export interface CursorCodec {
  encode(filter: AuditFilter, key: AuditKey): string;
  /** The key, or 400 naming `cursor`. */
  decode(filter: AuditFilter, cursor: string): AuditKey;
}

/** What identifies a query: every filter, in a fixed order. */
function queryDigest(filter: AuditFilter): string {
  return createHash('sha256').update(JSON.stringify(Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : 1)))).digest('base64url').slice(0, 16);
}

export function createCursorCodec(secret: Uint8Array): CursorCodec {
  const sign = (payload: string) => createHmac('sha256', secret).update(payload).digest().subarray(0, 16);
  return {
    encode(filter, key) {
      const payload = Buffer.from(JSON.stringify([VERSION, key.occurredAtMs, key.seq, queryDigest(filter)])).toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },
    decode(filter, cursor) {
      const [payload, mac, ...rest] = cursor.split('.');
      const given = Buffer.from(mac ?? '', 'base64url');
      const expected = sign(payload ?? '');
      if (rest.length > 0 || !payload || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw invalidParameter('cursor', 'is not a cursor this API issued (forged, truncated or from another deployment)');
      }
      const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      const [version, occurredAtMs, seq, digest] = parsed as [number, number, number, string];
      if (version !== VERSION) throw invalidParameter('cursor', 'is from an older API version; start again without a cursor');
      if (digest !== queryDigest(filter)) throw invalidParameter('cursor', 'belongs to a query with other filters; start again without a cursor');
      return { occurredAtMs, seq };
    },
  };
}
