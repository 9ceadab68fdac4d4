// Query validation lets `1e309` through as an integer: the validator coerces
// it to Infinity, which passes its integer and maximum checks. Every route's
// numbers are bounded, so a non-finite one after validation is always a bad
// parameter; this hook answers 400 naming it before any handler sees it.
import type { FastifyInstance } from 'fastify';
import { invalidParameter } from './api-errors.ts';

export function installNonFiniteGuard(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== 'object') return;
    for (const [name, value] of Object.entries(query)) {
      if (typeof value === 'number' && !Number.isFinite(value)) throw invalidParameter(name, 'must be a finite number');
    }
  });
}
