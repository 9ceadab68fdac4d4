// GET /v1/orgs/:org/invocations/:event_id/payload — decrypt-on-view: the
// captured payloads of one call, opened with the org's data keys, for a key
// with the `payload` role scoped to the org. Every field shown and every
// refused or failed attempt is a `payload.view` event in the org's ledger,
// sent before the answer: a view that cannot be recorded is not shown.
// Attempts with no valid key (401, answered by auth) and over the key's rate
// (429) are counted and sampled into the ledger (refusal-audit.ts).
// Answers are never cached (no-store). Errors name what went wrong (role,
// org, a payload altered or moved, a missing or shredded key version) and
// never carry payload bytes.
import type { FastifyInstance } from 'fastify';
import { PAYLOAD_FIELDS, type AuditOutcome, type PayloadField } from '@mcpg/events';
import type { PayloadKeyring } from '@mcpg/payload-crypto';
import { queryCallPayloads, type Store } from '@mcpg/store';
import { ApiError, errorBodySchema, type ApiErrorCode } from '../api-errors.ts';
import { coversOrg, hasRole } from '../auth/api-key.ts';
import { openCallPayloads, type OpenedPayload } from '../payload/open-call-payloads.ts';
import { payloadViewEvent, type AuditSink } from '../payload/payload-view-audit.ts';
import type { RefusalAudit } from '../payload/refusal-audit.ts';
import type { ViewRateLimit } from '../payload/view-rate-limit.ts';
import { ORG_PATTERN } from './org-metrics.ts';

export interface PayloadViewDeps {
  /** The org data keys (a LiveKeyring follows the keystore file). */
  readonly keys: { get(): Promise<PayloadKeyring> };
  readonly audit: AuditSink;
  readonly rateLimit: ViewRateLimit;
  /** Attempts refused for no valid key or over the rate: counted, and sampled into the org ledger. */
  readonly refusals: RefusalAudit;
  readonly now: () => number;
}

const schema = {
  summary: 'Decrypt-on-view: the captured payloads of one call (payload role; every view is recorded in the org ledger)',
  tags: ['payloads'],
  params: {
    type: 'object',
    required: ['org', 'event_id'],
    properties: { org: { type: 'string', pattern: ORG_PATTERN }, event_id: { type: 'string', minLength: 1, maxLength: 256, description: 'event_id of the call' } },
  },
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: { field: { type: 'string', enum: [...PAYLOAD_FIELDS], description: 'Only this field (default: every captured field)' } },
  },
  response: {
    200: {
      type: 'object',
      required: ['org', 'event_id', 'payloads'],
      properties: {
        org: { type: 'string' },
        event_id: { type: 'string' },
        payloads: {
          type: 'array',
          items: {
            type: 'object',
            required: ['field', 'key_version', 'truncated', 'original_bytes', 'text'],
            properties: {
              field: { type: 'string', enum: [...PAYLOAD_FIELDS] },
              key_version: { type: 'integer' },
              truncated: { type: 'boolean', description: 'Cut to the capture size cap before sealing' },
              original_bytes: { type: 'integer', description: 'Size of the masked JSON before the cap' },
              text: { type: 'string', description: 'The masked JSON as captured (secrets were masked before sealing)' },
            },
          },
        },
      },
    },
    ...Object.fromEntries([400, 401, 403, 404, 409, 410, 422, 429, 503].map((s) => [s, errorBodySchema])),
  },
} as const;

const ORG_RE = new RegExp(ORG_PATTERN);

export function callPayloadRoutes(app: FastifyInstance, store: Store, deps: PayloadViewDeps | undefined): void {
  app.get<{ Params: { org: string; event_id: string }; Querystring: { field?: PayloadField } }>(
    '/v1/orgs/:org/invocations/:event_id/payload',
    {
      schema,
      config: {
        role: 'payload',
        checksAccessItself: true,
        onUnauthenticated: (request) => {
          const { org, event_id: eventId } = request.params as { org?: unknown; event_id?: unknown };
          // Params are not validated yet (auth runs first): only a well-formed org can be a known one.
          if (typeof org === 'string' && typeof eventId === 'string' && ORG_RE.test(org)) deps?.refusals.unauthenticated(org, eventId);
        },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const { org, event_id: eventId } = request.params;
      const field = request.query.field;
      const key = request.apiKey;
      if (!deps) {
        // Nothing can be opened or recorded; access is still judged first, so a key of another org learns nothing.
        if (key && (!hasRole(key, 'payload') || !coversOrg(key, org))) throw new ApiError('FORBIDDEN', `API key ${key.id} lacks the payload role or this org`);
        throw new ApiError('PAYLOAD_VIEW_UNAVAILABLE', 'payload views are off: the API has no payload keystore (MCPG_PAYLOAD_KEYSTORE_FILE, MCPG_PAYLOAD_KEK_FILE)');
      }
      const keyId = key?.id ?? null;
      const record = async (outcome: AuditOutcome, error: ApiErrorCode | null, fields: readonly string[]) => {
        try {
          await deps.audit(fields.map((f) => payloadViewEvent({ org, eventId, field: f, keyId, outcome, error, at: deps.now() })));
        } catch (e) {
          request.log.error({ err: e instanceof Error ? e.message : String(e) }, 'a payload view could not be recorded in the ledger');
          throw new ApiError('PAYLOAD_VIEW_UNAVAILABLE', 'the view could not be recorded in the audit ledger, so it is not shown; try again');
        }
      };
      const refuse = async (code: ApiErrorCode, message: string, outcome: AuditOutcome): Promise<never> => {
        await record(outcome, code, [field ?? '*']);
        throw new ApiError(code, message);
      };

      if (!key) return refuse('FORBIDDEN', 'payload views need an API key with the payload role (the API runs with auth off)', 'denied');
      if (!hasRole(key, 'payload')) return refuse('FORBIDDEN', `API key ${key.id} lacks the payload role`, 'denied');
      if (!coversOrg(key, org)) return refuse('FORBIDDEN', `API key ${key.id} is not scoped to this org`, 'denied');
      // Refused before any data is read; counted, and sampled into the ledger (a flood must not flood the ledger too).
      const wait = deps.rateLimit.take(key.id);
      if (wait > 0) {
        deps.refusals.rateLimited(org, eventId, key.id);
        reply.header('retry-after', String(wait));
        throw new ApiError('RATE_LIMITED', `API key ${key.id} views payloads faster than the API allows (MCPG_API_PAYLOAD_VIEWS_PER_MINUTE); retry in ${wait} s`);
      }

      const rows = (await queryCallPayloads(store, org, eventId)).filter((r) => field === undefined || r.field === field);
      if (rows.length === 0) return refuse('NOT_FOUND', `no captured payload${field ? ` (${field})` : ''} for call ${eventId} in org ${org}`, 'error');
      let opened: OpenedPayload[];
      try {
        opened = openCallPayloads(await deps.keys.get(), org, eventId, rows);
      } catch (e) {
        if (e instanceof ApiError) return refuse(e.code, e.message, 'error');
        throw e;
      }
      await record('ok', null, opened.map((p) => p.field));
      return {
        org,
        event_id: eventId,
        payloads: opened.map((p) => ({ field: p.field, key_version: p.keyVersion, truncated: p.truncated, original_bytes: p.originalBytes, text: p.text })),
      };
    },
  );
}
