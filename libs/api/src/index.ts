// @mcpg/api: the query API as a fastify instance, shared by the query-api app
// and `mcpg up`.
export { buildApi, HTTP_LIMITS, type ApiDeps, type HttpLimits } from './app.ts';
export { API_ROLES, generateSecret, hashSecret, parseApiKeys, parseApiKeySpecs, type ApiKey, type ApiRole } from './auth/api-key.ts';
export { ApiAuthError, API_AUTH_ERROR_CODES, type ApiAuthErrorCode } from './auth/auth-errors.ts';
export { loadApiKeys } from './auth/load-api-keys.ts';
export { CONSOLE_CSP, type ConsoleFile, type ConsoleFiles } from './routes/console.ts';
export { createFlushSignal, DEFAULT_LOAD_CONTROL, loadControlOptions, type FlushSignal, type LoadControlOptions } from './load/install-load-control.ts';
export { createApiMetrics, type ApiMetrics } from './observability/api-metrics.ts';
export { createSqlServer, type SqlServer, type SqlServerOptions } from './sql/sql-server.ts';
export { startSqlEndpoint, sqlLimits, type SqlEndpoint, type SqlEndpointOptions } from './sql/start-sql-endpoint.ts';
export { startHealthListener, type HealthListener, type HealthListenerOptions } from './health/start-health-listener.ts';
export { PAYLOAD_VIEW_ACTION, type AuditSink } from './payload/payload-view-audit.ts';
export { payloadViews } from './payload/payload-view-setup.ts';
