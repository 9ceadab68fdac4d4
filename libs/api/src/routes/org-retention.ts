// GET /v1/orgs/{org}/retention — the org's plan, how long each class of its
// data is kept, and the oldest row each class still holds: what a client
// needs to know before it asks for a range (queries that reach before a
// window answer with what remains and say so in truncated_before).
import type { FastifyInstance } from 'fastify';
import { DATA_CLASS_DOCS, DATA_CLASSES } from '@mcpg/config';
import { queryOldestRetained, type OrgRetention } from '@mcpg/store';
import { errorBodySchema } from '../api-errors.ts';
import { orgParamsSchema } from './audit-search.ts';

const DAY_MS = 86_400_000;

const classView = {
  type: 'object',
  required: ['days', 'window_start', 'oldest_retained', 'what'],
  properties: {
    days: { type: 'integer', description: 'Days rows of this class are kept, from their own time' },
    window_start: { type: 'integer', description: 'Epoch ms: rows older than this are gone or going (now - days)' },
    oldest_retained: { type: ['integer', 'null'], description: 'Epoch ms of the oldest row of the class still held; null when none' },
    what: { type: 'string' },
  },
} as const;

const view = {
  type: 'object',
  required: ['org', 'plan', 'source', 'classes'],
  properties: {
    org: { type: 'string' },
    plan: { type: 'string' },
    source: { type: 'string', enum: ['api', 'config', 'default'] },
    classes: { type: 'object', required: [...DATA_CLASSES], properties: Object.fromEntries(DATA_CLASSES.map((c) => [c, classView])) },
  },
} as const;

// The same org rule as every other org route: a hostile org is a 400 naming org.
const params = orgParamsSchema;

export function orgRetentionRoutes(app: FastifyInstance, retention: OrgRetention, now: () => number): void {
  app.get<{ Params: { org: string } }>(
    '/v1/orgs/:org/retention',
    {
      // The plan comes from the admin API, not from a worker flush: never a kept answer.
      config: { role: 'metrics', reuse: false },
      schema: { summary: "The org's retention plan, window per data class and oldest retained row", tags: ['retention'], params, response: { 200: view, 400: errorBodySchema, 503: errorBodySchema } },
    },
    async (request) => {
      const { org } = request.params;
      await retention.refresh();
      const r = retention.resolve(org);
      const at = now();
      const oldest = await queryOldestRetained(retention.store, org, r.plan.days, at);
      const classes = Object.fromEntries(
        DATA_CLASSES.map((c) => [c, { days: r.plan.days[c], window_start: at - r.plan.days[c] * DAY_MS, oldest_retained: oldest[c], what: DATA_CLASS_DOCS[c] }]),
      );
      return { org, plan: r.plan.name, source: r.source, classes };
    },
  );
}
