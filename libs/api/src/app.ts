// The query API as a fastify instance, without a socket: main.ts listens,
// tests use inject(). Everything it needs is passed in. This file only
// composes: cross-cutting layers first (errors, OpenAPI and the route
// registry, metrics, auth — hooks that cover every route added after them),
// then one line per route plugin (each `(api, deps…)`).
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Store } from '@mcpg/store';
import type { Keyring } from '@mcpg/ledger';
import { installHttpServerSpans, type Tracing } from '@mcpg/telemetry';
import { frameworkErrorHandler, installErrorHandlers } from './api-errors.ts';
import { createCursorCodec } from './audit/audit-cursor.ts';
import type { ApiKey } from './auth/api-key.ts';
import { installAuth } from './auth/install-auth.ts';
import { createKeyring } from './auth/keyring.ts';
import { mcpRoutes } from './mcp/mcp-route.ts';
import { createApiMetrics } from './observability/api-metrics.ts';
import { installApiMetrics } from './observability/install-api-metrics.ts';
import { instrumentStore } from './observability/instrument-store.ts';
import { installOpenApi } from './openapi/install-openapi.ts';
import { installQueryNumbers } from './query-numbers.ts';
import { adminTracingRoutes } from './routes/admin-tracing.ts';
import { apiMetricsRoutes } from './routes/api-metrics.ts';
import { auditSearchRoutes } from './routes/audit-search.ts';
import { auditToolCallsRoutes } from './routes/audit-tool-calls.ts';
import { consoleRoutes, type ConsoleFiles } from './routes/console.ts';
import { healthRoutes } from './routes/health.ts';
import { meRoutes } from './routes/me.ts';
import { orgMetricsRoutes } from './routes/org-metrics.ts';
import { ledgerRoutes } from './routes/ledger-routes.ts';
import { tokenUsageRoutes } from './routes/token-usage.ts';

export interface ApiDeps {
  readonly store: Store;
  /** Request logs (a pino logger fits); absent or false: none. */
  readonly logger?: FastifyBaseLogger | false;
  /** Who may call the API. None (the default): auth is off and every route is open. */
  readonly apiKeys?: readonly ApiKey[];
  /**
   * Signs audit cursors. Instances behind one load balancer need the same
   * secret; default: random per instance (cursors then die with it).
   */
  readonly cursorSecret?: Uint8Array;
  /** The clock (epoch ms), for default time ranges. */
  readonly now?: () => number;
  /** Public keys of the audit ledger (published, and used by the verify endpoint). */
  readonly ledgerKeyring?: Keyring;
  /** The process's tracing: given, /v1/admin/tracing can switch its exporter (admin keys only). */
  readonly tracing?: Tracing;
  /** The built web console (@mcpg/console's loadConsole); absent: no console is served. */
  readonly console?: ConsoleFiles;
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const { logger, apiKeys = [], now = Date.now } = deps;
  const options = {
    // Route params up to 256 characters: fastify's default, 100, would answer
    // 414 for a 128-character org before the schema could say why.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: frameworkErrorHandler,
  };
  const app = (logger ? Fastify({ ...options, loggerInstance: logger }) : Fastify({ ...options, logger: false })) as FastifyInstance;
  const metrics = createApiMetrics();
  const store = instrumentStore(deps.store, metrics);
  const cursors = createCursorCodec(deps.cursorSecret ?? randomBytes(32));

  installErrorHandlers(app);
  installHttpServerSpans(app);
  installOpenApi(app, apiKeys.length > 0);
  installApiMetrics(app, metrics);
  installQueryNumbers(app);
  if (apiKeys.length > 0) installAuth(app, createKeyring(apiKeys));

  // Routes go in a plugin so they register after @fastify/swagger (itself a
  // plugin) and land in the OpenAPI document; the root's hooks cover them.
  void app.register(async (api) => {
    healthRoutes(api, store);
    orgMetricsRoutes(api, store);
    auditSearchRoutes(api, store, cursors);
    auditToolCallsRoutes(api, store);
    tokenUsageRoutes(api, store, now);
    apiMetricsRoutes(api, metrics.registry);
    mcpRoutes(api, app);
    ledgerRoutes(api, store, deps.ledgerKeyring);
    adminTracingRoutes(api, deps.tracing);
    meRoutes(api, store);
    consoleRoutes(api, deps.console);
  });
  return app;
}
