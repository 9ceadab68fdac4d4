// GET /v1/orgs/:org/series — columnar time series of an org's tool calls:
// one array of bucket starts (epoch seconds, as chart libraries take them)
// and one array per metric per group, null where a bucket has no calls.
// The step picks the stored tier (series-tiers.ts in @mcpg/store); a step
// finer than the tier that still holds `from` is a 400 naming the finest.
import type { FastifyInstance } from 'fastify';
import type { DataClass } from '@mcpg/config';
import {
  MAX_SERIES_POINTS, SERIES_GROUPS, SERIES_METRICS, SERIES_STEPS, STEP_MS,
  autoStep, bucketRange, finestStep, planTierWindows, querySeries, stepKeeps, type TierWindows, type SeriesGroup, type SeriesGroupRows, type SeriesMetric, type SeriesStep, type Store, type OrgRetention,
} from '@mcpg/store';
import { errorBodySchema, invalidParameter } from '../api-errors.ts';
import { parseList } from '../audit/query-params.ts';
import { drillFilter, drillFilterProperties, drillRange, drillTimeParam, type DrillFilterQuery } from '../series/drill-params.ts';
import { orgParamsSchema } from './audit-search.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Longest range of one request: four years of days. */
const MAX_RANGE_DAYS = 1_500;
const DEFAULT_METRICS: readonly SeriesMetric[] = ['calls', 'errors', 'error_rate', 'p50', 'p90', 'p95', 'p99', 'tokens_in', 'tokens_out'];
const QUANTILE_METRICS = ['p50', 'p90', 'p95', 'p99'] as const;

interface SeriesQuerystring extends DrillFilterQuery {
  step: 'auto' | SeriesStep;
  group_by: SeriesGroup;
  metrics?: string;
  top: number;
}

const metricArray = { type: 'array', items: { type: ['number', 'null'] } } as const;

const schema = {
  summary: 'Time series of tool calls: calls, errors, error rate, latency quantiles, tokens and pipeline lag per bucket and group',
  tags: ['series'],
  params: orgParamsSchema,
  querystring: {
    type: 'object',
    properties: {
      from: drillTimeParam('Start of the range (default: one hour before to)'),
      to: drillTimeParam('End of the range, exclusive (default: now)'),
      step: { type: 'string', enum: ['auto', ...SERIES_STEPS], default: 'auto', description: 'Bucket width; auto: the finest that gives at most 1,500 buckets and is still kept for from' },
      group_by: { type: 'string', enum: [...SERIES_GROUPS], default: 'none', description: 'tool groups by plugin and tool' },
      metrics: { type: 'string', maxLength: 256, description: `Comma-separated, of ${SERIES_METRICS.join(', ')} (default: all but the lag quantiles)` },
      top: { type: 'integer', minimum: 1, maximum: 100, default: 10, description: 'Keep the groups with most calls in the range' },
      ...drillFilterProperties,
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['org', 'from', 'to', 'step', 'step_ms', 'tier', 't', 'groups', 'truncated_before'],
      properties: {
        org: { type: 'string' },
        from: { type: 'integer', description: 'Start of the first bucket, epoch ms' },
        to: { type: 'integer', description: 'End of the last bucket, epoch ms' },
        step: { type: 'string' },
        step_ms: { type: 'integer' },
        tier: { type: 'string', enum: ['minute', 'hour', 'day', 'raw'], description: 'Where the figures come from; raw: the calls themselves (outcome filter)' },
        t: { type: 'array', items: { type: 'integer' }, description: 'Bucket starts, epoch seconds' },
        groups: {
          type: 'array',
          items: {
            type: 'object',
            required: ['key', 'label', 'metrics'],
            properties: {
              key: { type: 'object', additionalProperties: { type: 'string' } },
              label: { type: 'string' },
              metrics: { type: 'object', additionalProperties: metricArray, description: 'One array per metric, parallel to t; milliseconds for latency and lag' },
            },
          },
        },
        truncated_before: {
          type: ['integer', 'null'],
          description: "The range reaches before what the org's retention plan keeps: figures start here (epoch ms; the tier's window, or the raw calls' for lag and outcome filters); null when the whole range is kept",
        },
      },
    },
    400: errorBodySchema,
    503: errorBodySchema,
  },
} as const;

function parseMetrics(value: string | undefined): SeriesMetric[] {
  const list = parseList(value);
  if (list === undefined) return [...DEFAULT_METRICS];
  for (const m of list) if (!(SERIES_METRICS as readonly string[]).includes(m)) throw invalidParameter('metrics', `has unknown metric ${JSON.stringify(m).slice(0, 80)}; known: ${SERIES_METRICS.join(', ')}`);
  return list as SeriesMetric[];
}

/** The step asked, or auto's; minute and hour steps only as far back as the org's plan keeps their tier. */
function chooseStep(requested: 'auto' | SeriesStep, fromMs: number, toMs: number, nowMs: number, windows: TierWindows): SeriesStep {
  if (requested === 'auto') return autoStep(fromMs, toMs, nowMs, windows);
  if (!stepKeeps(requested, fromMs, nowMs, windows)) {
    throw invalidParameter(
      'step',
      `${requested} is not kept that far back (from is older than the ${windows[requested === '1h' ? 'hour' : 'minute'] / DAY_MS} days the org's plan keeps that tier); the finest step for this from is ${finestStep(fromMs, nowMs, windows)}`,
    );
  }
  const r = bucketRange(fromMs, toMs, requested);
  const points = (r.toMs - r.fromMs) / STEP_MS[requested];
  if (points > MAX_SERIES_POINTS) {
    const fit = SERIES_STEPS.find((s) => (bucketRange(fromMs, toMs, s).toMs - bucketRange(fromMs, toMs, s).fromMs) / STEP_MS[s] <= MAX_SERIES_POINTS) ?? '1d';
    throw invalidParameter('step', `${requested} gives ${points} buckets, more than ${MAX_SERIES_POINTS}; use ${fit} or coarser, or a shorter range`);
  }
  return requested;
}

const labelOf = (key: Readonly<Record<string, string>>): string => (Object.keys(key).length === 0 ? 'all' : Object.values(key).join('/'));

/** A group's figures as arrays parallel to `t`: zero calls where no bucket, null quantiles there. */
function columns(g: SeriesGroupRows, metrics: readonly SeriesMetric[], fromMs: number, stepMs: number, n: number): Record<string, (number | null)[]> {
  const out: Record<string, (number | null)[]> = {};
  const counts = new Set(['calls', 'errors', 'tokens_in', 'tokens_out']);
  for (const m of metrics) out[m] = new Array<number | null>(n).fill(counts.has(m) ? 0 : null);
  for (let k = 0; k < g.buckets.length; k++) {
    const i = Math.round((g.buckets[k]! - fromMs) / stepMs);
    if (i < 0 || i >= n) continue;
    const calls = g.calls[k]!;
    const errors = g.errors[k]!;
    if (out.calls) out.calls[i] = calls;
    if (out.errors) out.errors[i] = errors;
    if (out.error_rate) out.error_rate[i] = calls > 0 ? errors / calls : null;
    if (out.tokens_in) out.tokens_in[i] = g.tokensIn[k]!;
    if (out.tokens_out) out.tokens_out[i] = g.tokensOut[k]!;
    QUANTILE_METRICS.forEach((m, qi) => {
      if (out[m] && calls > 0) out[m][i] = round3(g.latency[k]![qi]!);
    });
  }
  if (g.lag) {
    for (const [bucket, [p50, p99]] of g.lag) {
      const i = Math.round((bucket - fromMs) / stepMs);
      if (i < 0 || i >= n) continue;
      if (out.lag_p50) out.lag_p50[i] = round3(p50);
      if (out.lag_p99) out.lag_p99[i] = round3(p99);
    }
  }
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The retention class of each tier a series reads. */
const TIER_CLASS = { minute: 'rollups_1m', hour: 'rollups_1h', day: 'rollups_1d', raw: 'samples' } as const satisfies Record<string, DataClass>;

export function seriesRoutes(app: FastifyInstance, store: Store, now: () => number, retention: OrgRetention): void {
  app.get<{ Params: { org: string }; Querystring: SeriesQuerystring }>('/v1/orgs/:org/series', { schema, config: { role: 'metrics' } }, async (request) => {
    const q = request.query;
    const nowMs = now();
    const range = drillRange(q, nowMs, HOUR_MS);
    if (range.toMs - range.fromMs > MAX_RANGE_DAYS * DAY_MS) throw invalidParameter('from', `must be at most ${MAX_RANGE_DAYS} days before to`);
    const metrics = parseMetrics(q.metrics);
    const filter = drillFilter(q);
    const lag = metrics.includes('lag_p50') || metrics.includes('lag_p99');
    // What the org's plan keeps: which steps reach back to from, and how far the raw calls go.
    const plans = await retention.fresh();
    const org = request.params.org;
    const days = plans.resolve(org).plan.days;
    const rawHorizon = plans.windowStart(org, 'samples', nowMs);
    if (filter.outcome !== undefined && range.toMs <= rawHorizon) throw invalidParameter('from', `with outcome must reach into the last ${days.samples} days (the org's plan keeps calls that long)`);
    const step = chooseStep(q.step, range.fromMs, range.toMs, nowMs, planTierWindows(days));
    const buckets = bucketRange(range.fromMs, range.toMs, step);
    const stepMs = STEP_MS[step];
    const n = Math.round((buckets.toMs - buckets.fromMs) / stepMs);
    const result = await querySeries(store, { org: request.params.org, ...range, ...filter, step, groupBy: q.group_by, top: q.top, lag });
    // Where the figures start: the tier read, and the raw calls where lag or an outcome filter reads them.
    const kept = Math.max(plans.windowStart(org, TIER_CLASS[result.tier], nowMs), lag || filter.outcome !== undefined ? rawHorizon : -Infinity);
    return {
      org: request.params.org,
      from: buckets.fromMs,
      to: buckets.toMs,
      step,
      step_ms: stepMs,
      tier: result.tier,
      t: Array.from({ length: n }, (_, i) => (buckets.fromMs + i * stepMs) / 1000),
      groups: result.groups.map((g) => ({ key: g.key, label: labelOf(g.key), metrics: columns(g, metrics, buckets.fromMs, stepMs, n) })),
      truncated_before: buckets.fromMs < kept ? kept : null,
    };
  });
}
