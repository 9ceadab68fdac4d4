// @mcpg/gateway: the MCP gateway — a proxy in front of upstream MCP servers
// that authenticates, applies policy, masks secrets, counts tokens and emits
// call and audit events through a never-blocking outbox.
export { startGateway, type Gateway, type GatewayDeps } from './gateway.ts';
export type * from './config/gateway-config.ts';
export { validateConfig } from './config/validate-config.ts';
export { loadConfigFile, parseConfigText } from './config/load-config-file.ts';
export { GATEWAY_ERROR_CODES, GatewayError, type GatewayErrorCode } from './errors.ts';
export { JSONRPC_CODES } from './proxy/mcp-errors.ts';
export { hashApiKey, type Identity } from './identity.ts';
export { compilePolicy, type Decision, type Policy, type PolicySubject } from './policy/policy.ts';
export { DiskSpool, type SpoolOptions } from './outbox/disk-spool.ts';
export { Outbox, type OutboxOptions, type OutboxStats } from './outbox/outbox.ts';
export type { OutboxRecord } from './outbox/outbox-record.ts';
export { GatewayMetrics } from './metrics/gateway-metrics.ts';
export { gatewaySettings } from './settings.ts';
export { openGatewayBus } from './gateway-bus.ts';
export { HttpUpstreamTransport, type HttpUpstreamTransportOptions } from './upstream/http-upstream-transport.ts';
