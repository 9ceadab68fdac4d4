// The gateway error catalog. Callers branch on `code`; the MCP error a client
// sees is derived from it (see proxy/mcp-errors.ts).

export const GATEWAY_ERROR_CODES = [
  /** The configuration file is missing, unreadable, not YAML/JSON, or a setting is invalid. */
  'INVALID_CONFIG',
  /** The client presented no API key, or one the gateway does not know. */
  'UNAUTHENTICATED',
  /** A policy rule denied the call; it never reached the upstream. */
  'POLICY_DENIED',
  /** No upstream offers this tool (or the name is not `server__tool`). */
  'UNKNOWN_TOOL',
  /** The arguments are larger than `limits.maxArgumentBytes`. */
  'ARGUMENTS_TOO_LARGE',
  /** The upstream is not connected (starting, restarting after a crash, or unreachable). */
  'UPSTREAM_UNAVAILABLE',
  /** The upstream did not answer within its `timeoutMs`. */
  'UPSTREAM_TIMEOUT',
  /** The upstream's connection closed while the call was in progress (the process exited). */
  'UPSTREAM_CRASHED',
  /** The upstream answered with a JSON-RPC error. */
  'UPSTREAM_ERROR',
  /** The disk spool could not be opened or written. */
  'SPOOL_IO',
] as const;
export type GatewayErrorCode = (typeof GATEWAY_ERROR_CODES)[number];

const RETRIABLE: ReadonlySet<GatewayErrorCode> = new Set(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_CRASHED', 'SPOOL_IO']);

export class GatewayError extends Error {
  readonly retriable: boolean;
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GatewayError';
    this.retriable = RETRIABLE.has(code);
  }
}
