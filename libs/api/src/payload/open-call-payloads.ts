// Opens the stored payloads of one call with the org's keys, each under the
// context the gateway sealed it with. Any failure is a code the client can
// act on; no byte of a payload that failed is returned.
import type { PayloadField } from '@mcpg/events';
import { isPayloadCryptoError, openPayload, type PayloadKeyring } from '@mcpg/payload-crypto';
import type { StoredPayload } from '@mcpg/store';
import { ApiError } from '../api-errors.ts';

export interface OpenedPayload {
  readonly field: PayloadField;
  readonly keyVersion: number;
  readonly truncated: boolean;
  readonly originalBytes: number;
  readonly text: string;
}

export function openCallPayloads(ring: PayloadKeyring, org: string, eventId: string, rows: readonly StoredPayload[]): OpenedPayload[] {
  return rows.map((row) => {
    try {
      const key = ring.key(org, row.keyVersion);
      const plain = openPayload(key, { org, eventId, field: row.field, keyVersion: row.keyVersion }, row);
      return { field: row.field, keyVersion: row.keyVersion, truncated: row.truncated, originalBytes: row.originalBytes, text: plain.toString('utf8') };
    } catch (e) {
      if (!isPayloadCryptoError(e)) throw e;
      const where = `the ${row.field} payload of ${eventId} (key v${row.keyVersion})`;
      switch (e.code) {
        case 'KEY_SHREDDED':
          throw new ApiError('PAYLOAD_KEY_SHREDDED', `${where} was sealed with a key that was shredded: it can never be read again`);
        case 'KEY_VERSION_MISSING':
          throw new ApiError('PAYLOAD_KEY_MISSING', `${where} names a key version the keystore does not hold for org ${org}`);
        default:
          // TAG_MISMATCH, or lengths that cannot be a sealed payload: altered bytes or a row moved here from elsewhere.
          throw new ApiError('PAYLOAD_INTEGRITY', `${where} fails its integrity check (${e.code}): altered, or moved from another org, call or field`);
      }
    }
  });
}
