// GET and PUT /v1/admin/orgs/{org}/plan — an org's retention plan (admin
// role). A change is an operator action: it goes to the org's audit ledger
// first (operator.plan_change, signed with the rest of the ledger), then into
// org_plans, then the new windows are re-applied to the org's stored rows
// (a downgrade deletes what is now past its window, an upgrade keeps what is
// still there), the ledger pruned by whole signed segments for a shorter audit window. Without a way to the ledger the API refuses to change plans.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DATA_CLASSES } from '@mcpg/config';
import type { OperatorAudit } from '@mcpg/events';
import { isLedgerOrg } from '@mcpg/ledger';
import { pruneExpiredLedger, reapplyRetention, writeOrgPlan, type OrgRetention, type ResolvedPlan } from '@mcpg/store';
import { ApiError, errorBodySchema } from '../api-errors.ts';
import { orgParamsSchema } from './audit-search.ts';

const daysSchema = {
  type: 'object',
  required: [...DATA_CLASSES],
  properties: Object.fromEntries(DATA_CLASSES.map((c) => [c, { type: 'integer' }])),
  description: 'Days each data class is kept',
} as const;

export const planView = {
  type: 'object',
  required: ['org', 'plan', 'source', 'retention_days', 'changed_at', 'changed_by', 'ledger_event_id'],
  properties: {
    org: { type: 'string' },
    plan: { type: 'string' },
    source: { type: 'string', enum: ['api', 'config', 'default'], description: 'api: set here; config: MCPG_ORG_PLANS; default: MCPG_DEFAULT_PLAN' },
    retention_days: daysSchema,
    changed_at: { type: ['integer', 'null'], description: 'When it was set here (epoch ms); null for a plan from configuration' },
    changed_by: { type: ['string', 'null'], description: 'API key id that set it' },
    ledger_event_id: { type: ['string', 'null'], description: 'event_id of the operator.plan_change row in the org ledger' },
  },
} as const;

// The same org rule as every other org route: a hostile org is a 400 naming org.
const params = orgParamsSchema;
const body = {
  type: 'object',
  required: ['plan'],
  additionalProperties: false,
  properties: { plan: { type: 'string', minLength: 1, maxLength: 64, description: 'community, pro, team, enterprise, or a plan of MCPG_RETENTION_PLANS' } },
} as const;
const tags = ['admin'];

export function planOf(org: string, r: ResolvedPlan) {
  return {
    org,
    plan: r.plan.name,
    source: r.source,
    retention_days: { ...r.plan.days },
    changed_at: r.stored?.changedAt ?? null,
    changed_by: r.stored?.changedBy ?? null,
    ledger_event_id: r.stored?.eventId ?? null,
  };
}

export function orgPlanRoutes(app: FastifyInstance, retention: OrgRetention, audit: OperatorAudit | undefined, now: () => number, onPruned: (org: string) => void = () => {}): void {
  app.get<{ Params: { org: string } }>(
    '/v1/admin/orgs/:org/plan',
    { schema: { summary: "An org's retention plan and where it comes from", tags, params, response: { 200: planView, 400: errorBodySchema, 403: errorBodySchema } } },
    async (request) => {
      await retention.refresh();
      return planOf(request.params.org, retention.resolve(request.params.org));
    },
  );
  app.put<{ Params: { org: string }; Body: { plan: string } }>(
    '/v1/admin/orgs/:org/plan',
    {
      schema: {
        summary: "Change an org's retention plan (recorded in its audit ledger, then applied to its stored rows)",
        tags,
        params,
        body,
        response: { 200: planView, 400: errorBodySchema, 403: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => {
      const { org } = request.params;
      if (!isLedgerOrg(org)) throw new ApiError('INVALID_PARAMETER', 'path parameter org must be 1-256 characters without spaces, control characters or +', 'org');
      const plan = retention.catalogue.plan(request.body.plan);
      if (!plan) throw new ApiError('INVALID_PARAMETER', `body parameter plan must be one of ${retention.catalogue.names().join(', ')}`, 'plan');
      if (!audit) throw new ApiError('AUDIT_UNAVAILABLE', 'plan changes are recorded in the audit ledger, and this API has no bus to send them on');
      await retention.refresh();
      const before = retention.resolve(org);
      if (before.source === 'api' && before.plan.name === plan.name) return planOf(org, before);
      const eventId = randomUUID();
      const at = now();
      const by = request.apiKey?.id ?? 'anonymous';
      await audit.record({
        eventId,
        org,
        action: 'operator.plan_change',
        actor: by,
        resource: 'plan',
        details: { from: before.plan.name, from_source: before.source, to: plan.name, retention_days: plan.days },
        occurredAt: at,
      });
      await writeOrgPlan(retention.store, { org, plan: plan.name, changedAt: at, changedBy: by, eventId });
      await retention.refresh();
      await reapplyRetention(retention.store, org, plan.days);
      // A shorter audit window prunes the ledger's now-expired signed segments at once.
      if (plan.days.audit < before.plan.days.audit) {
        await pruneExpiredLedger(retention, org, at);
        onPruned(org);
      }
      request.log.info({ org, from: before.plan.name, to: plan.name, eventId }, 'retention plan changed');
      return planOf(org, retention.resolve(org));
    },
  );
}
