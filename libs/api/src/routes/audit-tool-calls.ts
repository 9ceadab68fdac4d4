// GET /api/v1/audit/tool-calls — tool calls, sandbox runs and skill
// invocations from the audit log, denied ones included (every audit action
// that records a call, @mcpg/events CALL_ACTIONS: the same calls the fleet
// metrics count), in numbered pages with an exact total (the shape operators
// of single-gateway dashboards know), or as one CSV download.
// The org comes from the `org` parameter, or from the API key when it covers
// exactly one org.
import type { FastifyInstance } from 'fastify';
import { CALL_ACTIONS } from '@mcpg/events';
import { countAudit, pageAuditByOffset, type AuditFilter, type Store } from '@mcpg/store';
import { errorBodySchema, invalidParameter } from '../api-errors.ts';
import { SOURCE_CALL_ACTIONS, TOOL_CALL_SOURCES, toolCallItem, toolCallItemSchema, TOOL_CALL_CSV_HEADER, type ToolCallSource } from '../audit/audit-item.ts';
import { CSV_CONTENT_TYPE, isCsvRequest, sendAuditCsv } from '../audit/csv-reply.ts';
import { truncatedBeforeSchema, TRUNCATED_BEFORE_HEADER, type AuditTruncation } from '../audit/audit-truncation.ts';
import { formatParam, labelParam, parseList, parseQ, parseRange, qParam, timeParam } from '../audit/query-params.ts';
import { ORG_PATTERN } from './org-metrics.ts';

/** Deepest row a numbered page may reach; deeper reads go through the cursor route. */
export const MAX_PAGE_DEPTH = 100_000;

interface ToolCallsQuery {
  org?: string;
  status?: string;
  source?: ToolCallSource;
  server?: string;
  tool?: string;
  from?: string;
  to?: string;
  q?: string;
  page: number;
  page_size: number;
  format?: 'json' | 'csv';
}

const STATUS_PATTERN = '^(ok|error|denied|timeout|cancelled)(,(ok|error|denied|timeout|cancelled))*$';

const schema = {
  summary: 'Tool calls from the audit log: numbered pages with an exact total, or CSV',
  tags: ['audit'],
  querystring: {
    type: 'object',
    properties: {
      org: { type: 'string', pattern: ORG_PATTERN, description: 'The org; may be left out when the API key covers exactly one' },
      status: { type: 'string', pattern: STATUS_PATTERN, maxLength: 64, description: 'ok, error, denied, timeout or cancelled; several comma-separated' },
      source: { type: 'string', enum: TOOL_CALL_SOURCES, description: 'mcp (tool.call, and policy.deny: denials are listed as mcp), sandbox (sandbox.exec) or skill (skill.invoke); default all' },
      server: labelParam('Upstream MCP server, e.g. github'),
      tool: labelParam('Tool: server__tool, or the bare tool name on any server'),
      from: timeParam('Calls at or after this time'),
      to: timeParam('Calls before this time'),
      q: qParam,
      page: { type: 'integer', minimum: 1, maximum: 100_000, default: 1 },
      page_size: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
      format: formatParam,
    },
  },
  response: {
    200: {
      description: 'A page of tool calls, or (CSV) every matching call',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['items', 'total', 'page', 'page_size', 'truncated_before'],
            properties: {
              items: { type: 'array', items: toolCallItemSchema },
              total: { type: 'integer', description: 'Exact number of matching calls' },
              page: { type: 'integer' },
              page_size: { type: 'integer' },
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

function toolCallFilter(org: string, q: ToolCallsQuery): AuditFilter {
  const text = parseQ(q.q);
  const outcomes = parseList(q.status);
  const filter: AuditFilter = {
    org,
    ...parseRange(q),
    actions: q.source === undefined ? [...CALL_ACTIONS] : [...SOURCE_CALL_ACTIONS[q.source]],
    ...(outcomes === undefined ? {} : { outcomes }),
    ...(text === undefined ? {} : { text }),
  };
  const resource = q.tool !== undefined && q.tool.includes('__') ? q.tool : undefined;
  if (resource !== undefined && q.server !== undefined && !resource.startsWith(`${q.server}__`)) {
    throw invalidParameter('tool', `names a tool of another server than ${q.server}`);
  }
  return {
    ...filter,
    ...(resource !== undefined ? { resource } : {}),
    ...(resource === undefined && q.tool !== undefined ? { resourceSuffix: `__${q.tool}` } : {}),
    ...(resource === undefined && q.server !== undefined ? { resourcePrefix: `${q.server}__` } : {}),
  };
}

export function auditToolCallsRoutes(app: FastifyInstance, store: Store, truncation: AuditTruncation): void {
  app.get<{ Querystring: ToolCallsQuery }>('/api/v1/audit/tool-calls', { schema }, async (request, reply) => {
    const { org } = request.query;
    if (org === undefined) throw invalidParameter('org', 'is required');
    const filter = toolCallFilter(org, request.query);
    if (isCsvRequest(request)) {
      return sendAuditCsv(reply, store, filter, { name: `tool-calls-${org}.csv`, columns: TOOL_CALL_CSV_HEADER, truncatedBefore: await truncation.truncatedBefore(filter) });
    }
    const { page, page_size } = request.query;
    const offset = (page - 1) * page_size;
    if (offset + page_size > MAX_PAGE_DEPTH) {
      throw invalidParameter('page', `reaches past row ${MAX_PAGE_DEPTH}; narrow the filters or page with /v1/orgs/{org}/audit and its cursor`);
    }
    const [rows, total, truncatedBefore] = await Promise.all([pageAuditByOffset(store, filter, { limit: page_size, offset }), countAudit(store, filter), truncation.truncatedBefore(filter)]);
    if (truncatedBefore !== null) reply.header(TRUNCATED_BEFORE_HEADER, String(truncatedBefore));
    return reply.type('application/json').send({ items: rows.map(toolCallItem), total, page, page_size, truncated_before: truncatedBefore });
  });
}
