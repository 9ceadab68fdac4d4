// GET /v1/me — what the calling key may do: its id, its orgs and its roles, so
// a client (the console, a script) can offer only what will work instead of
// learning it from 403s. A key scoped to every org gets the orgs the store
// holds data for. With auth off there is no key: every org, every role.
import type { FastifyInstance } from 'fastify';
import { queryKnownOrgs, type Store } from '@mcpg/store';
import { ALL_ORGS, API_ROLES, hasRole } from '../auth/api-key.ts';
import { errorBodySchema } from '../api-errors.ts';

const schema = {
  summary: "The calling key: its id, orgs and roles",
  tags: ['meta'],
  response: {
    200: {
      type: 'object',
      required: ['auth', 'key_id', 'orgs', 'all_orgs', 'roles'],
      properties: {
        auth: { type: 'boolean', description: 'false: no keys are configured and every route is open' },
        key_id: { type: ['string', 'null'], description: 'The key id (never the secret); null with auth off' },
        orgs: { type: 'array', items: { type: 'string' }, description: 'Orgs the key may read; for a key of every org, the orgs that have data' },
        all_orgs: { type: 'boolean', description: 'true: the key covers every org, present and future' },
        roles: { type: 'array', items: { type: 'string', enum: [...API_ROLES] }, description: 'admin holds every other role but payload, which is granted on its own' },
      },
    },
    503: errorBodySchema,
  },
} as const;

export function meRoutes(app: FastifyInstance, store: Store): void {
  app.get('/v1/me', { schema, config: { role: 'authenticated' } }, async (request) => {
    const key = request.apiKey;
    const allOrgs = key === undefined || key.orgs.includes(ALL_ORGS);
    const orgs = allOrgs ? await queryKnownOrgs(store) : [...key.orgs].sort();
    return {
      auth: key !== undefined,
      key_id: key?.id ?? null,
      orgs,
      all_orgs: allOrgs,
      // With auth off every route is open but the payload view, which needs a key.
      roles: key === undefined ? API_ROLES.filter((r) => r !== 'payload') : API_ROLES.filter((r) => hasRole(key, r)),
    };
  });
}
