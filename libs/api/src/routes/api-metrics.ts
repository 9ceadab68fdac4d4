// GET /api/v1/metrics — the query API's own metrics, for scraping it like any service.
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { errorBodySchema } from '../api-errors.ts';

export function apiMetricsRoutes(app: FastifyInstance, registry: Registry): void {
  app.get(
    '/api/v1/metrics',
    {
      config: { role: 'metrics' },
      schema: {
        summary: "The API's own metrics: requests, latency, connections, ClickHouse calls, process",
        tags: ['metrics'],
        response: {
          200: { content: { [registry.contentType]: { schema: { type: 'string' } } } },
          500: errorBodySchema,
        },
      },
    },
    async (_request, reply) => reply.header('content-type', registry.contentType).header('cache-control', 'no-store').send(await registry.metrics()),
  );
}
