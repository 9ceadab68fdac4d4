// Liveness and readiness for orchestrators: /healthz says the process serves
// HTTP; /readyz says it can also answer queries (ClickHouse answers SELECT 1).
import type { FastifyInstance } from 'fastify';
import { storeReadiness, type Store } from '@mcpg/store';

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' }, reason: { type: 'string' } },
} as const;

export function healthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', { config: { role: 'public' }, schema: { response: { 200: statusSchema } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { role: 'public' }, schema: { response: { 200: statusSchema, 503: statusSchema } } }, async (request, reply) => {
    const readiness = await storeReadiness(store);
    if (readiness.ready) return { status: 'ok' };
    request.log.warn({ err: readiness.error }, 'not ready: ClickHouse did not answer');
    return reply.code(503).send({ status: 'unavailable', reason: readiness.reason });
  });
}
