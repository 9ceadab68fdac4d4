// Every route the API registers, recorded as it is added, so tests (org
// isolation, abuse, OpenAPI coverage) can iterate over all of them, including
// routes added after those tests were written.
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';

export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
  readonly schema: FastifySchema | undefined;
  readonly role: unknown;
}

const registries = new WeakMap<FastifyInstance, RegisteredRoute[]>();

export function recordRoute(app: FastifyInstance, route: RouteOptions): void {
  const list = registries.get(app) ?? [];
  registries.set(app, list);
  for (const method of [route.method].flat()) {
    if (method === 'HEAD' || method === 'OPTIONS') continue;
    list.push({ method, url: route.url, schema: route.schema, role: route.config?.role });
  }
}

export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return registries.get(app) ?? [];
}
