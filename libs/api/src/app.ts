// The query API as a fastify instance, without a socket: main.ts listens,
// tests use inject(). Everything it needs is passed in.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Store } from '@mcpg/store';
import { frameworkErrorHandler, installErrorHandlers } from './api-errors.ts';
import { healthRoutes } from './routes/health.ts';
import { orgMetricsRoutes } from './routes/org-metrics.ts';

export interface ApiDeps {
  readonly store: Store;
  /** Request logs (a pino logger fits); absent or false: none. */
  readonly logger?: FastifyBaseLogger | false;
}

export function buildApi({ store, logger }: ApiDeps): FastifyInstance {
  const options = {
    // Route params up to 256 characters: fastify's default, 100, would answer
    // 414 for a 128-character org before the schema could say why.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: frameworkErrorHandler,
  };
  const app = (logger ? Fastify({ ...options, loggerInstance: logger }) : Fastify({ ...options, logger: false })) as FastifyInstance;
  installErrorHandlers(app);
  healthRoutes(app, store);
  orgMetricsRoutes(app, store);
  return app;
}
