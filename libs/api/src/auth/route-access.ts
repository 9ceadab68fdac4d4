// Which role a route needs and where its org comes from. A route may say so
// in its options (`config: { role: 'audit' }`); otherwise the role follows
// from its URL template, and a route that matches no rule needs `admin`, so a
// new route is never open by accident.
import type { FastifyRequest, FastifySchema } from 'fastify';
import type { ApiRole } from './api-key.ts';

/** `public`: no key needed. `authenticated`: any valid key (the route checks further, e.g. /mcp). */
export type RouteAccess = ApiRole | 'public' | 'authenticated';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; see route-access.ts for the default. */
    role?: RouteAccess;
    /**
     * false: the route's answers depend on more than what worker flushes
     * write (e.g. an org's plan, set through the admin API), so load control
     * never reuses or shares them; they are still admitted to the engine.
     */
    reuse?: boolean;
    /**
     * The route checks the role and the org itself, once the key is known,
     * so that it can record a refused attempt (the payload view audits each
     * one); auth only authenticates.
     */
    checksAccessItself?: boolean;
    /**
     * Told of a request refused for a missing or invalid key, before the 401
     * goes out (the payload view counts and samples them); must not throw.
     */
    onUnauthenticated?: (request: FastifyRequest) => void;
  }
}

const INFERRED: ReadonlyArray<readonly [RegExp, ApiRole]> = [
  [/\/export(\/|$)/, 'export'],
  [/\/(audit|ledger)(\/|$)/, 'audit'],
  [/\/(metrics|tokens)(\/|$)/, 'metrics'],
];

export function routeAccess(url: string, configured: RouteAccess | undefined): RouteAccess {
  if (configured !== undefined) return configured;
  for (const [pattern, role] of INFERRED) if (pattern.test(url)) return role;
  return 'admin';
}

/**
 * Where a route reads its org: the `:org` path parameter, the `org` query
 * parameter its schema declares (the `/api/v1/...` routes), or nowhere (not
 * org data: the API's own metrics, the ledger's public keys).
 */
export type OrgSource = 'param' | 'query' | 'none';

export function orgSource(url: string, schema: FastifySchema | undefined): OrgSource {
  if (/(^|\/):org(\/|$)/.test(url)) return 'param';
  const qs = schema?.querystring as { properties?: Record<string, unknown> } | undefined;
  return qs?.properties && 'org' in qs.properties ? 'query' : 'none';
}

/** A CSV rendering of audit data is an export, whatever route serves it. */
export function wantsCsv(query: unknown, accept: string | undefined): boolean {
  const format = (query as { format?: unknown } | undefined)?.format;
  return format === 'csv' || (accept !== undefined && /\btext\/csv\b/i.test(accept));
}
