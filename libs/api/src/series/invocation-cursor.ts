// The opaque next_cursor of invocation pages: the sort key of the last item
// (started_at or duration, then event id) and a digest of the query it
// belongs to, signed with HMAC-SHA256 like the audit cursors. A forged or
// edited cursor, or one reused with other filters or another sort, is a 400.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { InvocationFilter, InvocationKey, InvocationSort } from '@mcpg/store';
import { invalidParameter } from '../api-errors.ts';

const VERSION = 1;

export interface InvocationCursorCodec {
  encode(filter: InvocationFilter, sort: InvocationSort, key: InvocationKey): string;
  /** The key, or 400 naming `cursor`. */
  decode(filter: InvocationFilter, sort: InvocationSort, cursor: string): InvocationKey;
}

function queryDigest(filter: InvocationFilter, sort: InvocationSort): string {
  const entries = Object.entries(filter).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify([sort, entries])).digest('base64url').slice(0, 16);
}

export function createInvocationCursorCodec(secret: Uint8Array): InvocationCursorCodec {
  // A key of its own: an audit cursor never passes for an invocation cursor.
  const sign = (payload: string) => createHmac('sha256', secret).update('invocations\u0000').update(payload).digest().subarray(0, 16);
  return {
    encode(filter, sort, key) {
      const payload = Buffer.from(JSON.stringify([VERSION, key.value, key.eventId, queryDigest(filter, sort)])).toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },
    decode(filter, sort, cursor) {
      const [payload, mac, ...rest] = cursor.split('.');
      const given = Buffer.from(mac ?? '', 'base64url');
      const expected = sign(payload ?? '');
      if (rest.length > 0 || !payload || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw invalidParameter('cursor', 'is not a cursor this API issued (forged, truncated or from another deployment)');
      }
      const [version, value, eventId, digest] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [number, number, string, string];
      if (version !== VERSION) throw invalidParameter('cursor', 'is from an older API version; start again without a cursor');
      if (digest !== queryDigest(filter, sort)) throw invalidParameter('cursor', 'belongs to a query with other filters or another sort; start again without a cursor');
      return { value, eventId };
    },
  };
}
