// The API's error catalog and its one error handler. Every error body is
// `{ error: { code, message } }`; 4xx say what was wrong (and which
// parameter), 5xx say only what kind of failure it was — the details go to
// the log, never to the client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { StoreError } from '@mcpg/store';

export const API_ERROR_CODES = [
  'INVALID_PARAMETER',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'PAYLOAD_INTEGRITY',
  'PAYLOAD_KEY_MISSING',
  'PAYLOAD_KEY_SHREDDED',
  'PAYLOAD_VIEW_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'AUDIT_UNAVAILABLE',
  'LEDGER_INTEGRITY',
  'OVERLOADED',
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const API_ERROR_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  INVALID_PARAMETER: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  // A stored payload that fails its GCM tag (altered, or moved from another org, call or field).
  PAYLOAD_INTEGRITY: 422,
  // The keystore has no record of the key version the payload names.
  PAYLOAD_KEY_MISSING: 409,
  // The key version was crypto-shredded: the payload is gone for good.
  PAYLOAD_KEY_SHREDDED: 410,
  // No keys configured, or the view could not be recorded in the ledger: nothing is shown.
  PAYLOAD_VIEW_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  AUDIT_UNAVAILABLE: 503,
  LEDGER_INTEGRITY: 500,
  /** Admission control: the engine queue of the route's class is full (with Retry-After). */
  OVERLOADED: 503,
  INTERNAL: 500,
};

/** JSON Schema of every error body, for the routes' response schemas. */
export const errorBodySchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: [...API_ERROR_CODES] },
        message: { type: 'string' },
        /** The offending request parameter, for INVALID_PARAMETER. */
        parameter: { type: 'string' },
      },
    },
  },
} as const;

/**
 * An answer a route gives on purpose (bad parameter combinations the schema
 * cannot express, a forged cursor): the handler below sends it as is.
 */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 400 naming the query parameter. */
export function invalidParameter(parameter: string, what: string): ApiError {
  return new ApiError('INVALID_PARAMETER', `querystring parameter ${parameter} ${what}`, parameter);
}

interface ErrorBody {
  error: { code: ApiErrorCode; message: string; parameter?: string };
}

/** Sends the error body; the status follows from the code unless given. */
export function sendError(reply: FastifyReply, code: ApiErrorCode, message: string, parameter?: string, status?: number): FastifyReply {
  const body: ErrorBody = { error: parameter === undefined ? { code, message } : { code, message, parameter } };
  return reply
    .code(status ?? API_ERROR_STATUS[code])
    .type('application/json; charset=utf-8')
    .send(body);
}

/** Store failures a client can wait out (503 + Retry-After), as opposed to bugs (500). */
const UNAVAILABLE: ReadonlySet<StoreError['code']> = new Set(['CLICKHOUSE_UNREACHABLE', 'STORE_CLOSED']);

/**
 * For errors fastify's router raises before any route runs (a malformed
 * percent-encoding, a parameter longer than the router allows): same body
 * shape as every other error. Passed as the `frameworkErrors` option.
 */
export function frameworkErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
  // The router's messages quote the whole URL; the path alone is enough to act on.
  sendError(reply, 'BAD_REQUEST', err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is too long' : 'malformed URL', undefined, status);
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (err.validation) {
      const { parameter, message } = describeValidation(err);
      return sendError(reply, 'INVALID_PARAMETER', message, parameter);
    }
    if (err instanceof ApiError) return sendError(reply, err.code, err.message, err.parameter);
    if (err instanceof StoreError) {
      // Stored rows that no longer match the ledger: a verdict about the data,
      // not a bug, so the client is told which row (no retry will change it).
      if (err.code === 'LEDGER_MISMATCH') {
        request.log.error({ err }, 'audit rows do not match the ledger');
        return sendError(reply, 'LEDGER_INTEGRITY', err.message);
      }
      if (UNAVAILABLE.has(err.code) || err.retriable) {
        request.log.warn({ err }, 'store unavailable');
        return sendError(reply.header('retry-after', '5'), 'STORE_UNAVAILABLE', 'storage is unavailable, retry later');
      }
      request.log.error({ err }, 'store error');
      return sendError(reply, 'INTERNAL', 'internal error');
    }
    // Fastify's own client errors (bad content type, body too large, …) keep
    // their status; their messages describe the request, not the server.
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendError(reply, 'BAD_REQUEST', err.message, undefined, status);
    }
    request.log.error({ err }, 'unhandled error');
    return sendError(reply, 'INTERNAL', 'internal error');
  });

  app.setNotFoundHandler((request, reply) => {
    sendError(reply, 'NOT_FOUND', `no route for ${request.method} ${request.url.split('?', 1)[0]}`);
  });
}

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: { allowedValues?: readonly unknown[]; pattern?: string; missingProperty?: string };
}

/** Names the parameter and says what it must be, from the first schema violation. */
function describeValidation(err: FastifyError): { parameter: string; message: string } {
  const issue = (err.validation?.[0] ?? {}) as AjvIssue;
  const where = err.validationContext ?? 'request';
  const parameter = issue.params?.missingProperty ?? (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const name = parameter === '' ? where : parameter;
  const what =
    issue.keyword === 'enum' && issue.params?.allowedValues
      ? `must be one of ${issue.params.allowedValues.join(', ')}`
      : issue.keyword === 'pattern' && issue.params?.pattern
        ? `must match ${issue.params.pattern}`
        : (issue.message ?? 'is invalid');
  return { parameter: name, message: `${where} parameter ${name} ${what}` };
}
