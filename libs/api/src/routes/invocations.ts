// GET /v1/orgs/:org/invocations — the calls that make up a bucket of a
// series: raw calls (kept 30 days) filtered like the series, newest or
// slowest first, in keyset pages.
import type { FastifyInstance } from 'fastify';
import { INVOCATION_SORTS, pageInvocations, type InvocationFilter, type InvocationItem, type InvocationSort, type OrgRetention, type Store } from '@mcpg/store';
import { errorBodySchema, invalidParameter } from '../api-errors.ts';
import type { InvocationCursorCodec } from '../series/invocation-cursor.ts';
import { drillFilter, drillFilterProperties, drillRange, drillTimeParam, type DrillFilterQuery } from '../series/drill-params.ts';
import { orgParamsSchema } from './audit-search.ts';

const HOUR_MS = 3_600_000;

interface InvocationsQuery extends DrillFilterQuery {
  min_duration_ms?: number;
  sort: InvocationSort;
  limit: number;
  cursor?: string;
}

export const invocationItemProperties = {
  event_id: { type: 'string' },
  started_at: { type: 'integer', description: 'When the gateway received the call, epoch ms' },
  workspace: { type: 'string' },
  plugin: { type: 'string' },
  tool: { type: 'string' },
  actor: { type: 'string' },
  instance: { type: 'string', description: 'Gateway instance' },
  source: { type: 'string', enum: ['mcp', 'sandbox', 'skill'] },
  outcome: { type: 'string', enum: ['ok', 'error', 'denied', 'timeout', 'cancelled'] },
  duration_ms: { type: 'number' },
  error_code: { type: ['string', 'null'] },
  tokens_in: { type: 'integer' },
  tokens_out: { type: 'integer' },
  trace_id: { type: ['string', 'null'] },
} as const;

const schema = {
  summary: 'The calls of an org in a range (the samples behind a series bucket), newest or slowest first',
  tags: ['series'],
  params: orgParamsSchema,
  querystring: {
    type: 'object',
    properties: {
      from: drillTimeParam('Start of the range (default: one hour before to)'),
      to: drillTimeParam('End of the range, exclusive (default: now)'),
      ...drillFilterProperties,
      min_duration_ms: { type: 'number', minimum: 0, maximum: 86_400_000, description: 'Only calls that took at least this long' },
      sort: { type: 'string', enum: [...INVOCATION_SORTS], default: 'newest' },
      limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      cursor: { type: 'string', maxLength: 512, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', description: 'next_cursor of the previous page (same filters and sort)' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['items', 'next_cursor', 'truncated_before'],
      properties: {
        items: { type: 'array', items: { type: 'object', required: Object.keys(invocationItemProperties), properties: invocationItemProperties } },
        next_cursor: { type: ['string', 'null'] },
        truncated_before: { type: ['integer', 'null'], description: "The range reaches before what the org's retention plan keeps of its calls: items start here (epoch ms); null when the whole range is kept" },
      },
    },
    400: errorBodySchema,
    503: errorBodySchema,
  },
} as const;

export function invocationItem(i: InvocationItem) {
  return {
    event_id: i.eventId,
    started_at: i.startedAtMs,
    workspace: i.workspace,
    plugin: i.plugin,
    tool: i.tool,
    actor: i.actor,
    instance: i.instance,
    source: i.source,
    outcome: i.outcome,
    duration_ms: i.durationUs / 1000,
    error_code: i.errorCode === '' ? null : i.errorCode,
    tokens_in: i.tokensIn,
    tokens_out: i.tokensOut,
    trace_id: i.traceId === '' ? null : i.traceId,
  };
}

export function invocationsRoutes(app: FastifyInstance, store: Store, cursors: InvocationCursorCodec, now: () => number, retention: OrgRetention): void {
  app.get<{ Params: { org: string }; Querystring: InvocationsQuery }>('/v1/orgs/:org/invocations', { schema, config: { role: 'metrics' } }, async (request) => {
    const q = request.query;
    const nowMs = now();
    const range = drillRange(q, nowMs, HOUR_MS);
    // The org's plan says how long its calls are kept.
    const kept = (await retention.fresh()).windowStart(request.params.org, 'samples', nowMs);
    if (range.toMs <= kept) throw invalidParameter('from', `must reach into the last ${Math.round((nowMs - kept) / 86_400_000)} days: the org's calls are kept that long`);
    const filter: InvocationFilter = {
      org: request.params.org,
      ...range,
      ...drillFilter(q),
      ...(q.min_duration_ms === undefined ? {} : { minDurationMs: q.min_duration_ms }),
    };
    const after = q.cursor === undefined ? undefined : cursors.decode(filter, q.sort, q.cursor);
    const rows = await pageInvocations(store, filter, { sort: q.sort, limit: q.limit + 1, ...(after ? { after } : {}) });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(invocationItem),
      truncated_before: range.fromMs < kept ? kept : null,
      next_cursor:
        rows.length > q.limit && last ? cursors.encode(filter, q.sort, { value: q.sort === 'newest' ? last.startedAtMs : last.durationUs, eventId: last.eventId }) : null,
    };
  });
}
