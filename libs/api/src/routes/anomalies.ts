// GET /v1/orgs/:org/anomalies — buckets where a tool's error rate or p99
// latency leaves its own trailing baseline (detect-anomalies.ts says how),
// highest score first, each with its bounds so a client can open the
// samples behind it (/invocations with the same from/to and labels).
import type { FastifyInstance } from 'fastify';
import { STEP_MS, autoStep, planTierWindows, querySeries, type OrgRetention, type Store } from '@mcpg/store';
import { errorBodySchema, invalidParameter } from '../api-errors.ts';
import { ANOMALY_METHOD, BASELINE_BUCKETS, detectAnomalies, type AnomalyMetric } from '../series/detect-anomalies.ts';
import { drillRange, drillTimeParam } from '../series/drill-params.ts';
import { labelParam } from '../audit/query-params.ts';
import { orgParamsSchema } from './audit-search.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Tools examined: the busiest in the range (a tool with few calls has no usable baseline anyway). */
const TOOLS_EXAMINED = 100;
const MAX_RANGE_DAYS = 31;

interface AnomaliesQuery {
  from?: string;
  to?: string;
  workspace?: string;
  plugin?: string;
  tool?: string;
  metric?: AnomalyMetric;
  limit: number;
}

const schema = {
  summary: "Buckets where a tool's error rate or p99 latency leaves its own trailing baseline (median and MAD)",
  tags: ['series'],
  params: orgParamsSchema,
  querystring: {
    type: 'object',
    properties: {
      from: drillTimeParam('Start of the range judged (default: one hour before to); the baseline reaches further back'),
      to: drillTimeParam('End of the range, exclusive (default: now)'),
      workspace: labelParam('Only calls of this workspace'),
      plugin: labelParam('Only this plugin'),
      tool: labelParam('Only this tool'),
      metric: { type: 'string', enum: ['error_rate', 'p99'], description: 'One metric (default: both)' },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['method', 'step', 'items'],
      properties: {
        method: { type: 'string' },
        step: { type: 'string' },
        items: {
          type: 'array',
          items: {
            type: 'object',
            required: ['workspace', 'plugin', 'tool', 'metric', 'bucket_start', 'bucket_end', 'observed', 'baseline', 'score', 'calls'],
            properties: {
              workspace: { type: ['string', 'null'], description: 'The workspace filter; null: all workspaces together' },
              plugin: { type: 'string' },
              tool: { type: 'string' },
              metric: { type: 'string', enum: ['error_rate', 'p99'] },
              bucket_start: { type: 'integer', description: 'epoch ms' },
              bucket_end: { type: 'integer', description: 'epoch ms, exclusive' },
              observed: { type: 'number', description: 'error rate (0-1) or p99 in ms' },
              baseline: { type: 'number' },
              score: { type: 'number' },
              calls: { type: 'integer' },
            },
          },
        },
      },
    },
    400: errorBodySchema,
    503: errorBodySchema,
  },
} as const;

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function anomaliesRoutes(app: FastifyInstance, store: Store, now: () => number, retention: OrgRetention): void {
  app.get<{ Params: { org: string }; Querystring: AnomaliesQuery }>('/v1/orgs/:org/anomalies', { schema, config: { role: 'metrics' } }, async (request) => {
    const q = request.query;
    const nowMs = now();
    const range = drillRange(q, nowMs, HOUR_MS);
    if (range.toMs - range.fromMs > MAX_RANGE_DAYS * DAY_MS) throw invalidParameter('from', `must be at most ${MAX_RANGE_DAYS} days before to`);
    // The finest step whose tier the org's plan still keeps at from (as series' auto does).
    const days = (await retention.fresh()).resolve(request.params.org).plan.days;
    const step = autoStep(range.fromMs, range.toMs, nowMs, planTierWindows(days));
    const stepMs = STEP_MS[step];
    const judgedFrom = Math.floor(range.fromMs / stepMs) * stepMs;
    // The baseline of the first bucket reaches BASELINE_BUCKETS steps further back.
    const series = await querySeries(store, {
      org: request.params.org,
      fromMs: judgedFrom - BASELINE_BUCKETS * stepMs,
      toMs: range.toMs,
      step,
      groupBy: 'tool',
      top: TOOLS_EXAMINED,
      lag: false,
      ...(q.workspace === undefined ? {} : { workspace: q.workspace }),
      ...(q.plugin === undefined ? {} : { plugin: q.plugin }),
      ...(q.tool === undefined ? {} : { tool: q.tool }),
    });
    const metrics: AnomalyMetric[] = q.metric ? [q.metric] : ['error_rate', 'p99'];
    const found = series.groups.flatMap((g) =>
      detectAnomalies(
        { plugin: g.key.plugin!, tool: g.key.tool!, starts: g.buckets, calls: g.calls, errors: g.errors, p99: g.latency.map((l) => l[3]!) },
        metrics,
        judgedFrom,
        stepMs,
      ),
    );
    found.sort((a, b) => b.score - a.score || a.bucketStart - b.bucketStart);
    return {
      method: ANOMALY_METHOD,
      step,
      items: found.slice(0, q.limit).map((a) => ({
        workspace: q.workspace ?? null,
        plugin: a.plugin,
        tool: a.tool,
        metric: a.metric,
        bucket_start: a.bucketStart,
        bucket_end: a.bucketStart + stepMs,
        observed: round(a.observed, 4),
        baseline: round(a.baseline, 4),
        score: round(a.score, 2),
        calls: a.calls,
      })),
    };
  });
}
