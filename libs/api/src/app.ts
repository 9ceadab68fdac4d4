// The query API as a fastify instance, without a socket: main.ts listens,
// tests use inject(). Everything it needs is passed in. This file only
// composes: cross-cutting layers first (errors, OpenAPI and the route
// registry, metrics, auth, load control — hooks that cover every route added after them),
// then one line per route plugin (each `(api, deps…)`).
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { OrgRetention, type Store } from '@mcpg/store';
import { PlanCatalogue } from '@mcpg/config';
import type { OperatorAudit } from '@mcpg/events';
import type { Keyring } from '@mcpg/ledger';
import { installHttpServerSpans, type Tracing } from '@mcpg/telemetry';
import { frameworkErrorHandler, installErrorHandlers } from './api-errors.ts';
import { createCursorCodec } from './audit/audit-cursor.ts';
import type { ApiKey } from './auth/api-key.ts';
import { installAuth } from './auth/install-auth.ts';
import { createKeyring } from './auth/keyring.ts';
import { DEFAULT_LOAD_CONTROL, installLoadControl, type LoadControlOptions } from './load/install-load-control.ts';
import { createAuditTruncation } from './audit/audit-truncation.ts';
import { mcpRoutes } from './mcp/mcp-route.ts';
import { createApiMetrics, type ApiMetrics } from './observability/api-metrics.ts';
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
import { pipelineHealthRoutes } from './routes/pipeline-health.ts';
import { ledgerRoutes } from './routes/ledger-routes.ts';
import { seriesRoutes } from './routes/series.ts';
import { invocationsRoutes } from './routes/invocations.ts';
import { callTraceRoutes } from './routes/call-trace.ts';
import { anomaliesRoutes } from './routes/anomalies.ts';
import { createInvocationCursorCodec } from './series/invocation-cursor.ts';
import { tokenUsageRoutes } from './routes/token-usage.ts';
import { orgPlanRoutes } from './routes/org-plan.ts';
import { orgRetentionRoutes } from './routes/org-retention.ts';
import { callPayloadRoutes, type PayloadViewDeps } from './routes/call-payload.ts';
import { createRefusalAudit } from './payload/refusal-audit.ts';
import type { AuditSink } from './payload/payload-view-audit.ts';
import { createViewRateLimit } from './payload/view-rate-limit.ts';
import type { PayloadKeyring } from '@mcpg/payload-crypto';

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
  /** Each org's retention plan (from the configuration's plan catalogue); default: the default plans, every org on enterprise. */
  readonly retention?: OrgRetention;
  /** Where operator actions (plan changes) go to be recorded in the org's ledger; absent: plan changes are refused (503). */
  readonly operatorAudit?: OperatorAudit;
  /**
   * Decrypt-on-view of captured payloads: the org data keys and where the
   * views are recorded (the audit topic). Absent: the payload route answers
   * PAYLOAD_VIEW_UNAVAILABLE.
   */
  readonly payloads?: {
    readonly keys: { get(): Promise<PayloadKeyring> };
    readonly audit: AuditSink;
    /** Views per minute per API key; default 60. */
    readonly viewsPerMinute?: number;
  };
  /** Connection limits; tests shorten them. Default HTTP_LIMITS. */
  readonly httpLimits?: HttpLimits;
  /** Answer reuse, coalescing and admission control (defaults: DEFAULT_LOAD_CONTROL); false: none. */
  readonly load?: Partial<LoadControlOptions> | false;
  /** The API's metrics; pass the same to the SQL endpoint so its queries show at /api/v1/metrics. Default: new. */
  readonly metrics?: ApiMetrics;
}

export interface HttpLimits {
  /** The whole request (headers and body) must arrive within this: a slow sender gets 408. */
  readonly requestTimeoutMs: number;
  /** How often the server looks for requests over their time (Node's default is 30 s). */
  readonly checkIntervalMs: number;
  /** A socket with no byte in either direction this long is closed (a client that stopped reading). */
  readonly idleTimeoutMs: number;
  /** An idle keep-alive socket is closed after this; longer than a load balancer's usual 60 s. */
  readonly keepAliveTimeoutMs: number;
  /** Requests per socket before it is closed, so long-lived clients spread over instances again. */
  readonly maxRequestsPerSocket: number;
}

/**
 * fastify leaves a request unbounded (requestTimeout 0), which switches off
 * Node's own guard: a client trickling its headers (slowloris) or a socket
 * that never sends a byte would be held for good. 30 s is far above what a
 * GET or a small MCP POST needs; 5 min of silence ends a download nobody reads
 * (it holds a ClickHouse query open) but not a slow query that will answer.
 */
export const HTTP_LIMITS: HttpLimits = {
  requestTimeoutMs: 30_000,
  checkIntervalMs: 5_000,
  idleTimeoutMs: 300_000,
  keepAliveTimeoutMs: 72_000,
  maxRequestsPerSocket: 1_000,
};

function payloadViewDeps(p: NonNullable<ApiDeps['payloads']>, apiKeys: readonly ApiKey[], metrics: ApiMetrics, now: () => number, app: FastifyInstance): PayloadViewDeps {
  const refusals = createRefusalAudit({
    audit: p.audit,
    knownOrgs: new Set(apiKeys.flatMap((k) => k.orgs).filter((o) => o !== '*')),
    now,
    count: (reason) => metrics.payloadViewRefusals.inc({ reason }),
    onError: (e) => app.log.error({ err: e instanceof Error ? e.message : String(e) }, 'a refused payload view could not be recorded in the ledger (it is counted in mcpg_payload_view_refusals_total)'),
  });
  return { keys: p.keys, audit: p.audit, rateLimit: createViewRateLimit(p.viewsPerMinute ?? 60, now), refusals, now };
}

export function buildApi(deps: ApiDeps): FastifyInstance {
  const { logger, apiKeys = [], now = Date.now, httpLimits: limits = HTTP_LIMITS } = deps;
  const options = {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    // Headers are part of the request: the same bound (Node's own default is 60 s).
    http: { headersTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs },
    // Route params up to 256 characters: fastify's default, 100, would answer
    // 414 for a 128-character org before the schema could say why.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: frameworkErrorHandler,
  };
  const app = (logger ? Fastify({ ...options, loggerInstance: logger }) : Fastify({ ...options, logger: false })) as FastifyInstance;
  const metrics = deps.metrics ?? createApiMetrics();
  const store = instrumentStore(deps.store, metrics);
  const cursorSecret = deps.cursorSecret ?? randomBytes(32);
  const cursors = createCursorCodec(cursorSecret);
  const invocationCursors = createInvocationCursorCodec(cursorSecret);
  const retention = deps.retention ?? new OrgRetention(deps.store, new PlanCatalogue());

  installErrorHandlers(app);
  installHttpServerSpans(app);
  installOpenApi(app, apiKeys.length > 0);
  installApiMetrics(app, metrics);
  installQueryNumbers(app);
  if (apiKeys.length > 0) installAuth(app, createKeyring(apiKeys));
  if (deps.load !== false) installLoadControl(app, store, metrics.registry, deps.load);
  // Where each org's retained audit rows start, kept as long as answers are.
  const truncation = createAuditTruncation(store, { maxAgeMs: deps.load === false ? 0 : (deps.load?.cacheMaxAgeMs ?? DEFAULT_LOAD_CONTROL.cacheMaxAgeMs) });

  // Routes go in a plugin so they register after @fastify/swagger (itself a
  // plugin) and land in the OpenAPI document; the root's hooks cover them.
  void app.register(async (api) => {
    healthRoutes(api, store);
    orgMetricsRoutes(api, store, now);
    pipelineHealthRoutes(api, store);
    auditSearchRoutes(api, store, cursors, truncation);
    auditToolCallsRoutes(api, store, truncation);
    tokenUsageRoutes(api, store, now);
    seriesRoutes(api, store, now, retention);
    invocationsRoutes(api, store, invocationCursors, now, retention);
    callTraceRoutes(api, store);
    callPayloadRoutes(api, store, deps.payloads && payloadViewDeps(deps.payloads, apiKeys, metrics, now, app));
    anomaliesRoutes(api, store, now, retention);
    apiMetricsRoutes(api, metrics.registry);
    mcpRoutes(api, app);
    ledgerRoutes(api, store, deps.ledgerKeyring);
    adminTracingRoutes(api, deps.tracing);
    meRoutes(api, store);
    consoleRoutes(api, deps.console);
    orgPlanRoutes(api, retention, deps.operatorAudit, now, (org) => truncation.forget(org));
    orgRetentionRoutes(api, retention, now);
  });
  return app;
}
