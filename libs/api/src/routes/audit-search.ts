// GET /v1/orgs/:org/audit — the org's audit log, newest first, filtered and
// full-text searched, in keyset pages (next_cursor) or as one CSV download.
import type { FastifyInstance } from 'fastify';
import { pageAuditByKey, type AuditFilter, type Store } from '@mcpg/store';
import { errorBodySchema } from '../api-errors.ts';
import { auditItem, auditItemSchema, AUDIT_CSV_HEADER } from '../audit/audit-item.ts';
import type { CursorCodec } from '../audit/audit-cursor.ts';
import { CSV_CONTENT_TYPE, isCsvRequest, sendAuditCsv } from '../audit/csv-reply.ts';
import { truncatedBeforeSchema, TRUNCATED_BEFORE_HEADER, type AuditTruncation } from '../audit/audit-truncation.ts';
import { formatParam, labelParam, parseList, parseQ, parseRange, qParam, timeParam } from '../audit/query-params.ts';
import { ORG_PATTERN } from './org-metrics.ts';

export interface AuditSearchQuery {
  action_prefix?: string;
  actor?: string;
  instance?: string;
  workspace?: string;
  outcome?: string;
  from?: string;
  to?: string;
  q?: string;
  limit: number;
  cursor?: string;
  format?: 'json' | 'csv';
}

export const orgParamsSchema = {
  type: 'object',
  required: ['org'],
  properties: { org: { type: 'string', pattern: ORG_PATTERN } },
} as const;

const schema = {
  summary: 'Search the audit log of an org (newest first, keyset pages, CSV export)',
  tags: ['audit'],
  params: orgParamsSchema,
  querystring: {
    type: 'object',
    properties: {
      action_prefix: { type: 'string', maxLength: 128, description: 'Actions starting with this, e.g. tool.' },
      actor: labelParam('Exactly this actor'),
      instance: labelParam('Exactly this gateway instance'),
      workspace: labelParam('Exactly this workspace'),
      outcome: { type: 'string', pattern: '^[a-z_]+(,[a-z_]+)*$', maxLength: 128, description: 'One outcome or a comma-separated list: ok, error, denied, timeout, cancelled' },
      from: timeParam('Rows at or after this time'),
      to: timeParam('Rows before this time'),
      q: qParam,
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Rows per page' },
      cursor: { type: 'string', maxLength: 512, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', description: 'next_cursor of the previous page (same filters)' },
      format: formatParam,
    },
  },
  response: {
    200: {
      description: 'A page of rows, or (CSV) every matching row',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['items', 'next_cursor', 'truncated_before'],
            properties: {
              items: { type: 'array', items: auditItemSchema },
              next_cursor: { type: ['string', 'null'], description: 'Pass as cursor for the next page; null on the last page' },
              truncated_before: truncatedBeforeSchema,
            },
          },
        },
        [CSV_CONTENT_TYPE]: { schema: { type: 'string' } },
      },
    },
    400: errorBodySchema,
    500: { ...errorBodySchema, description: 'LEDGER_INTEGRITY: a row of the page does not match its ledger row (named by seq); INTERNAL otherwise' },
    503: errorBodySchema,
  },
} as const;

export function auditFilterOf(org: string, q: Omit<AuditSearchQuery, 'limit' | 'cursor' | 'format'>): AuditFilter {
  const text = parseQ(q.q);
  const outcomes = parseList(q.outcome);
  return {
    org,
    ...parseRange(q),
    ...(q.action_prefix === undefined ? {} : { actionPrefix: q.action_prefix }),
    ...(q.actor === undefined ? {} : { actor: q.actor }),
    ...(q.instance === undefined ? {} : { instance: q.instance }),
    ...(q.workspace === undefined ? {} : { workspace: q.workspace }),
    ...(outcomes === undefined ? {} : { outcomes }),
    ...(text === undefined ? {} : { text }),
  };
}

export function auditSearchRoutes(app: FastifyInstance, store: Store, cursors: CursorCodec, truncation: AuditTruncation): void {
  app.get<{ Params: { org: string }; Querystring: AuditSearchQuery }>('/v1/orgs/:org/audit', { schema }, async (request, reply) => {
    const { org } = request.params;
    const filter = auditFilterOf(org, request.query);
    if (isCsvRequest(request)) {
      return sendAuditCsv(reply, store, filter, { name: `audit-${org}.csv`, columns: AUDIT_CSV_HEADER, truncatedBefore: await truncation.truncatedBefore(filter) });
    }
    const { limit, cursor } = request.query;
    const after = cursor === undefined ? undefined : cursors.decode(filter, cursor);
    // One row more than asked says whether a next page exists.
    const [rows, truncatedBefore] = await Promise.all([
      pageAuditByKey(store, filter, after ? { limit: limit + 1, after } : { limit: limit + 1 }),
      truncation.truncatedBefore(filter),
    ]);
    if (truncatedBefore !== null) reply.header(TRUNCATED_BEFORE_HEADER, String(truncatedBefore));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return reply.type('application/json').send({
      items: page.map(auditItem),
      next_cursor: rows.length > limit && last ? cursors.encode(filter, { occurredAtMs: last.occurredAtMs, seq: last.seq }) : null,
      truncated_before: truncatedBefore,
    });
  });
}
