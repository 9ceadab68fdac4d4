// Liveness and readiness for orchestrators: /healthz says the process serves
// HTTP; /readyz says it can also answer queries (ClickHouse answers SELECT 1).
import type { FastifyInstance } from 'fastify';
import { StoreError, type Store } from '@mcpg/store';

const statusSchema = {
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string' }, reason: { type: 'string' } },
} as const;

export function healthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', { config: { role: 'public' }, schema: { response: { 200: statusSchema } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: { role: 'public' }, schema: { response: { 200: statusSchema, 503: statusSchema } } }, async (request, reply) => {
    try {
      await store.ping();
      return { status: 'ok' };
    } catch (err) {
      request.log.warn({ err }, 'not ready: ClickHouse did not answer');
      // The error code says which failure without exposing hosts or engine messages.
      const code = err instanceof StoreError ? err.code : 'UNKNOWN';
      return reply.code(503).send({ status: 'unavailable', reason: `ClickHouse did not answer SELECT 1 (${code})` });
    }
  });
}
