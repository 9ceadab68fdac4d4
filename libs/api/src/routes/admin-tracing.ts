// GET and PUT /v1/admin/tracing — where this process sends its spans, changed
// at runtime without a restart. Admin role only (a route under no other rule
// needs admin), and never with auth off: an open API must not let anyone
// redirect its traces. A refused configuration is a 400 naming the problem,
// and the running exporter stays. Header values are masked in every answer.
import type { FastifyInstance } from 'fastify';
import { TelemetryError, type Tracing } from '@mcpg/telemetry';
import { ApiError, errorBodySchema } from '../api-errors.ts';

const view = {
  type: 'object',
  required: ['exporting', 'preset', 'protocol', 'endpoint', 'headers', 'sampleRate'],
  properties: {
    exporting: { type: 'boolean', description: 'false: spans are not exported' },
    preset: { type: 'string' },
    protocol: { type: 'string', enum: ['http/protobuf', 'grpc'] },
    endpoint: { type: ['string', 'null'], description: 'query string masked' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'names only; every value is ***' },
    sampleRate: { type: 'number' },
  },
} as const;

const body = {
  type: 'object',
  description: 'The new configuration, whole (an empty object turns export off); see docs/operations.md "Tracing"',
  properties: {
    preset: { type: 'string' },
    protocol: { type: 'string' },
    endpoint: { type: 'string' },
    region: { type: 'string' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    sampleRate: { type: 'number' },
  },
} as const;

const tags = ['admin'];

export function adminTracingRoutes(app: FastifyInstance, tracing: Tracing | undefined): void {
  if (!tracing) return;
  const requireKey = (apiKey: unknown) => {
    if (apiKey === undefined) throw new ApiError('FORBIDDEN', 'the tracing admin endpoint needs API keys to be configured (MCPG_API_KEYS_FILE or MCPG_API_KEYS)');
  };
  app.get(
    '/v1/admin/tracing',
    { schema: { summary: 'The running trace export configuration (secrets masked)', tags, response: { 200: view, 403: errorBodySchema } } },
    async (request) => {
      requireKey(request.apiKey);
      return tracing.current();
    },
  );
  app.put(
    '/v1/admin/tracing',
    { schema: { summary: 'Switch the trace exporter without a restart; no span is lost or sent twice', tags, body, response: { 200: view, 400: errorBodySchema, 403: errorBodySchema } } },
    async (request) => {
      requireKey(request.apiKey);
      try {
        const applied = await tracing.configure(request.body);
        request.log.info({ tracing: applied }, 'trace exporter switched');
        return applied;
      } catch (e) {
        if (e instanceof TelemetryError && e.code === 'INVALID_TRACING_CONFIG') throw new ApiError('BAD_REQUEST', `tracing configuration refused, the running one stays: ${e.message}`);
        throw e;
      }
    },
  );
}
