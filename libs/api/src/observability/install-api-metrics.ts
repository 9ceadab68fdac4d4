// Counts and times every request the API answers (hooks on the root
// instance, so routes registered later are covered too) and tracks open
// connections once the server listens.
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ApiMetrics } from './api-metrics.ts';
import { routeLabel } from './route-label.ts';

export function installApiMetrics(app: FastifyInstance, metrics: ApiMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: routeLabel(request.routeOptions.url), status: String(reply.statusCode) };
    metrics.requests.inc(labels);
    metrics.requestDuration.observe(labels, reply.elapsedTime / 1000);
  });
  app.server.on('connection', (socket: Socket) => {
    metrics.activeConnections.inc();
    socket.once('close', () => metrics.activeConnections.dec());
  });
}
