// The MCP (JSON-RPC) error a client receives for each gateway error code.
// `data.code` carries the gateway code so clients can branch on it; upstream
// JSON-RPC errors keep the upstream's own code, message and data (forwarded
// intact).
import type { McpError } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { GatewayError, type GatewayErrorCode } from '../errors.ts';

/** JSON-RPC codes in the implementation-defined server range (-32000..-32099). */
export const JSONRPC_CODES: Readonly<Record<GatewayErrorCode, number>> = {
  INVALID_CONFIG: ErrorCode.InternalError,
  UNAUTHENTICATED: -32010,
  POLICY_DENIED: -32011,
  UNKNOWN_TOOL: ErrorCode.InvalidParams,
  ARGUMENTS_TOO_LARGE: ErrorCode.InvalidParams,
  UPSTREAM_UNAVAILABLE: -32012,
  UPSTREAM_TIMEOUT: ErrorCode.RequestTimeout,
  UPSTREAM_CRASHED: -32013,
  UPSTREAM_ERROR: ErrorCode.InternalError,
  SPOOL_IO: ErrorCode.InternalError,
};

/** An upstream's JSON-RPC error, kept whole so the client gets it as the upstream sent it. */
export class UpstreamRpcError extends GatewayError {
  constructor(
    readonly rpcCode: number,
    readonly rpcMessage: string,
    readonly rpcData: unknown,
  ) {
    super('UPSTREAM_ERROR', rpcMessage);
  }
}

/**
 * What a request handler throws: the SDK answers with its `code`, `message`
 * and `data` as they are. (An McpError would put "MCP error <code>: " in
 * front of the message on the wire.)
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export function toRpcError(error: GatewayError, extra: Record<string, unknown> = {}): RpcError {
  if (error instanceof UpstreamRpcError) return new RpcError(error.rpcCode, error.rpcMessage, error.rpcData);
  return new RpcError(JSONRPC_CODES[error.code], error.message, { code: error.code, ...extra });
}

/** The upstream's own message: the SDK client's McpError adds a prefix to it. */
export function upstreamMessage(error: McpError): string {
  return error.message.replace(/^MCP error -?\d+: /, '');
}
