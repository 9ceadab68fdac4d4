// GET /v1/orgs/:org/tokens — input, output and total tokens per group (server,
// tool, workspace or actor) and time bucket, the heaviest groups, and totals.
// server/tool/workspace read the hour totals for whole hours (180 days), the
// day totals for whole days when per day, and the per-minute rollups (90 days)
// only for the partial hours at either end; actor reads the raw calls (30
// days), because the rollups do not carry actors.
import type { FastifyInstance } from 'fastify';
import { queryTokenUsage, TOKEN_GROUPS, TOKEN_INTERVALS, type Store, type TokenGroup, type TokenInterval } from '@mcpg/store';
import { errorBodySchema, invalidParameter } from '../api-errors.ts';
import { iso } from '../audit/audit-item.ts';
import { parseRange, timeParam } from '../audit/query-params.ts';
import { orgParamsSchema } from './audit-search.ts';

const DAY_MS = 86_400_000;
/**
 * Longest range one request may cover. Per hour: a quarter (the minute rows
 * keep 90 days, and an answer stays at ~2,200 buckets a group). Per day: a
 * year and a bit, from the day totals, which have no TTL; beyond 180 days the
 * partial first and last days count only what is left of their hours.
 */
export const MAX_TOKEN_RANGE_DAYS: Readonly<Record<TokenInterval, number>> = { hour: 93, day: 400 };

interface TokensQuery {
  from?: string;
  to?: string;
  group_by: TokenGroup;
  interval: TokenInterval;
  top: number;
}

const figures = {
  input: { type: 'integer' },
  output: { type: 'integer' },
  total: { type: 'integer' },
} as const;
const figuresSchema = { type: 'object', required: ['input', 'output', 'total'], properties: figures } as const;

const schema = {
  summary: 'Token usage of an org per server, tool, workspace or actor and per hour or day',
  tags: ['tokens'],
  params: orgParamsSchema,
  querystring: {
    type: 'object',
    properties: {
      from: timeParam('Start of the range (default: 24 hours before to)'),
      to: timeParam('End of the range, exclusive (default: now)'),
      group_by: { type: 'string', enum: [...TOKEN_GROUPS], default: 'server' },
      interval: { type: 'string', enum: [...TOKEN_INTERVALS], default: 'hour' },
      top: { type: 'integer', minimum: 1, maximum: 100, default: 10, description: 'Groups with their own series; the rest are summed as __other__' },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['from', 'to', 'group_by', 'interval', 'totals', 'top', 'series'],
      properties: {
        from: { type: 'string', format: 'date-time' },
        to: { type: 'string', format: 'date-time' },
        group_by: { type: 'string' },
        interval: { type: 'string' },
        totals: figuresSchema,
        top: { type: 'array', items: { type: 'object', required: ['group', 'input', 'output', 'total'], properties: { group: { type: 'string' }, ...figures } } },
        series: {
          type: 'array',
          items: { type: 'object', required: ['bucket', 'group', 'input', 'output', 'total'], properties: { bucket: { type: 'string', format: 'date-time' }, group: { type: 'string' }, ...figures } },
        },
      },
    },
    400: errorBodySchema,
    503: errorBodySchema,
  },
} as const;

export function tokenUsageRoutes(app: FastifyInstance, store: Store, now: () => number): void {
  app.get<{ Params: { org: string }; Querystring: TokensQuery }>('/v1/orgs/:org/tokens', { schema }, async (request) => {
    const { group_by, interval, top } = request.query;
    const range = parseRange(request.query);
    const toMs = range.toMs ?? Math.max(now(), (range.fromMs ?? 0) + 1);
    const fromMs = range.fromMs ?? toMs - DAY_MS;
    if (fromMs >= toMs) throw invalidParameter('from', 'must be before to');
    const maxDays = MAX_TOKEN_RANGE_DAYS[interval];
    if (toMs - fromMs > maxDays * DAY_MS) throw invalidParameter('from', `must be at most ${maxDays} days before to with interval=${interval}`);
    const usage = await queryTokenUsage(store, { org: request.params.org, fromMs, toMs, groupBy: group_by, interval, top });
    return {
      from: iso(fromMs),
      to: iso(toMs),
      group_by,
      interval,
      totals: usage.totals,
      top: usage.top,
      series: usage.series.map(({ bucketMs, ...rest }) => ({ bucket: iso(bucketMs), ...rest })),
    };
  });
}
