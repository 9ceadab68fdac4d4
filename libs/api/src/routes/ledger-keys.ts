// GET /v1/ledger/keys — the public keys checkpoints are signed with, with
// their validity windows in event time, and the keyring file text `mcpg
// verify --public-key` reads. Public by nature: no key needed.
import type { FastifyInstance } from 'fastify';
import { formatVerifierKey, keyIdHex, type Keyring } from '@mcpg/ledger';

const schema = {
  summary: 'Public keys of the audit ledger, with validity windows (event time)',
  tags: ['ledger'],
  response: {
    200: {
      type: 'object',
      required: ['keys', 'keyring'],
      properties: {
        keys: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'key_id', 'verifier_key', 'not_before', 'not_after'],
            properties: {
              name: { type: 'string' },
              key_id: { type: 'string', pattern: '^[0-9a-f]{8}$' },
              verifier_key: { type: 'string', description: 'name+keyid+base64 key (Go sumdb note verifier format)' },
              not_before: { type: ['string', 'null'], format: 'date-time', description: 'First event time it may sign for; null: always' },
              not_after: { type: ['string', 'null'], format: 'date-time', description: 'Event time from which it may not sign (exclusive); null: forever' },
            },
          },
        },
        keyring: { type: 'string', description: 'The same keys as a keyring file for mcpg verify --public-key' },
      },
    },
  },
} as const;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function ledgerKeyRoutes(app: FastifyInstance, keyring: Keyring | undefined): void {
  app.get('/v1/ledger/keys', { schema, config: { role: 'public' } }, async () => ({
    keys: (keyring?.entries ?? []).map((e) => ({
      name: e.key.name,
      key_id: keyIdHex(e.key.keyId),
      verifier_key: formatVerifierKey(e.key),
      not_before: iso(e.window.notBefore),
      not_after: iso(e.window.notAfter),
    })),
    keyring: keyring?.format() ?? '',
  }));
}
