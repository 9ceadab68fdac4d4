// GET and PUT /v1/admin/tracing — where this process sends its spans, changed
// at runtime without a restart. Admin role only (a route under no other rule
// needs admin), and never with auth off: an open API must not let anyone
// redirect its traces. A refused configuration is a 400 naming the problem,
// and the running exporter stays. Header values are masked in every answer.
import type { FastifyInstance } from 'fastify';
import { EXPORTER_PRESETS, PRESETS, TelemetryError, type Tracing } from '@mcpg/telemetry';
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

const presetsView = {
  type: 'object',
  required: ['presets'],
  properties: {
    presets: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'title', 'protocols', 'default_protocol', 'endpoints', 'required_headers', 'region', 'note'],
        properties: {
          name: { type: 'string', enum: [...EXPORTER_PRESETS] },
          title: { type: 'string' },
          protocols: { type: 'array', items: { type: 'string' } },
          default_protocol: { type: 'string' },
          endpoints: { type: 'object', additionalProperties: { type: 'string' }, description: 'Endpoint template per protocol ({region} filled from region); empty: give endpoint' },
          required_headers: { type: 'array', items: { type: 'object', required: ['name', 'what'], properties: { name: { type: 'string' }, what: { type: 'string' } } } },
          region: { type: ['object', 'null'], required: ['what'], properties: { what: { type: 'string' }, default: { type: 'string' } } },
          note: { type: 'string' },
        },
      },
    },
  },
} as const;

// What each preset needs, for a client that offers them (the console's
// telemetry page): the same table the exporter resolves against.
const presetList = EXPORTER_PRESETS.map((name) => {
  const p = PRESETS[name];
  return {
    name,
    title: p.title,
    protocols: [...p.protocols],
    default_protocol: p.defaultProtocol,
    endpoints: { ...p.endpoints },
    required_headers: p.requiredHeaders.map((h) => ({ name: h.name, what: h.what })),
    region: p.region ? { what: p.region.what, ...(p.region.default ? { default: p.region.default } : {}) } : null,
    note: p.note,
  };
});

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
  app.get(
    '/v1/admin/tracing/presets',
    { schema: { summary: 'The trace backend presets and what each needs (endpoint, headers, region)', tags, response: { 200: presetsView, 403: errorBodySchema } } },
    async (request) => {
      requireKey(request.apiKey);
      return { presets: presetList };
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
