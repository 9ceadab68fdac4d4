// Bearer-key auth for every route of the API, present and future: one
// onRequest hook (before any body is read) that authenticates the key, checks
// the route's role and the org scope, and answers 401/403 itself.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../api-errors.ts';
import { coversOrg, hasRole, type ApiKey } from './api-key.ts';
import type { Keyring } from './keyring.ts';
import { orgSource, routeAccess, wantsCsv } from './route-access.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key the request authenticated with; undefined on public routes and when auth is off. */
    apiKey?: ApiKey;
  }
}

const BEARER = /^Bearer[ \t]+(\S{1,1024})[ \t]*$/i;

function deny(reply: FastifyReply, code: 'UNAUTHORIZED' | 'FORBIDDEN' | 'INVALID_PARAMETER', message: string, parameter?: string): FastifyReply {
  if (code === 'UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="mcpg"');
  return sendError(reply, code, message, parameter);
}

export function installAuth(app: FastifyInstance, keyring: Keyring): void {
  app.decorateRequest('apiKey', undefined);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no route: the 404 handler answers
    const access = routeAccess(url, request.routeOptions.config.role);
    if (access === 'public') return;

    const match = BEARER.exec(request.headers.authorization ?? '');
    const key = match ? keyring.authenticate(match[1]!) : undefined;
    if (!key) {
      request.routeOptions.config.onUnauthenticated?.(request);
      return deny(reply, 'UNAUTHORIZED', match ? 'the API key is not valid' : 'an API key is required: Authorization: Bearer <key>');
    }
    request.apiKey = key;
    request.log = request.log.child({ apiKey: key.id });
    if (request.routeOptions.config.checksAccessItself) return;
    if (access !== 'authenticated') {
      if (!hasRole(key, access)) return deny(reply, 'FORBIDDEN', `API key ${key.id} lacks the ${access} role`);
      if (access === 'audit' && wantsCsv(request.query, request.headers.accept) && !hasRole(key, 'export')) {
        return deny(reply, 'FORBIDDEN', `API key ${key.id} lacks the export role (needed for CSV)`);
      }
    }

    const source = orgSource(url, request.routeOptions.schema);
    if (source === 'param') {
      const org = (request.params as { org?: string }).org ?? '';
      if (!coversOrg(key, org)) return deny(reply, 'FORBIDDEN', `API key ${key.id} is not scoped to this org`);
    } else if (source === 'query') {
      const query = request.query as Record<string, unknown>;
      if (query.org === undefined || query.org === '') {
        // The key's only org is the default; a key for several orgs must say which.
        const only = key.orgs.length === 1 && key.orgs[0] !== '*' ? key.orgs[0] : undefined;
        if (only === undefined) {
          return deny(reply, 'INVALID_PARAMETER', 'querystring parameter org is required: the API key covers several orgs', 'org');
        }
        query.org = only;
      } else if (typeof query.org !== 'string' || !coversOrg(key, query.org)) {
        return deny(reply, 'FORBIDDEN', `API key ${key.id} is not scoped to this org`);
      }
    }
  });
}
