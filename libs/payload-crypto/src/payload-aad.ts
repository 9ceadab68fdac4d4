// The additional data every captured payload is sealed with: org, call event
// id, field and key version. A ciphertext copied to another org, another
// call, the other field of the same call, or relabelled with another key
// version fails its tag check instead of decrypting. Each part is length
// prefixed, so no two different tuples encode to the same bytes (org "a|b"
// with event "c" differs from org "a" with event "b|c").
import { PAYLOAD_FIELDS, type PayloadField } from '@mcpg/events';
import { PayloadCryptoError } from './errors.ts';

export interface PayloadContext {
  readonly org: string;
  readonly eventId: string;
  readonly field: PayloadField;
  readonly keyVersion: number;
}

const DOMAIN = Buffer.from('mcpg.payload.v1\0', 'utf8');

export function isPayloadField(value: string): value is PayloadField {
  return (PAYLOAD_FIELDS as readonly string[]).includes(value);
}

export function payloadAad(c: PayloadContext): Buffer {
  if (c.org === '') throw new PayloadCryptoError('INVALID_ARGUMENT', 'payload org must not be empty');
  if (c.eventId === '') throw new PayloadCryptoError('INVALID_ARGUMENT', 'payload event id must not be empty');
  if (!isPayloadField(c.field)) throw new PayloadCryptoError('INVALID_ARGUMENT', `payload field must be one of ${PAYLOAD_FIELDS.join(', ')}`);
  if (!Number.isInteger(c.keyVersion) || c.keyVersion < 1 || c.keyVersion > 0xffffffff) throw new PayloadCryptoError('INVALID_ARGUMENT', `key version must be an integer from 1, got ${c.keyVersion}`);
  const parts = [c.org, c.eventId, c.field].map((s) => Buffer.from(s, 'utf8'));
  const out = Buffer.allocUnsafe(DOMAIN.length + parts.reduce((n, p) => n + 4 + p.length, 0) + 4);
  let at = DOMAIN.copy(out, 0);
  for (const p of parts) {
    at = out.writeUInt32BE(p.length, at);
    at += p.copy(out, at);
  }
  out.writeUInt32BE(c.keyVersion, at);
  return out;
}
