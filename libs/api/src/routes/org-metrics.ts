// GET /v1/orgs/:org/metrics — the fleet's Prometheus exposition for one org.
import type { FastifyInstance } from 'fastify';
import { BufferPool, ExpositionWriter, PROMETHEUS_TEXT_CONTENT_TYPE } from '@mcpg/exposition';
import { queryPipelineHealth, queryToolTotals, queryWindowQuantiles, type Store } from '@mcpg/store';
import { errorBodySchema } from '../api-errors.ts';
import { writeToolMetrics } from '../metrics/render-tool-metrics.ts';
import { writePipelineHealth } from '../metrics/render-pipeline-health.ts';
import { ClosedHourQuantiles } from '../metrics/closed-hour-quantiles.ts';

/** Org ids as they appear in URLs and labels: no leading punctuation, no slashes or spaces. */
export const ORG_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$';
export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
const WINDOW_MS = { minute: 60_000, day: 86_400_000 } as const;

interface OrgMetricsRoute {
  Params: { org: string };
  Querystring: { granularity: Granularity; latency_ms: boolean };
}

const schema = {
  params: {
    type: 'object',
    required: ['org'],
    properties: { org: { type: 'string', pattern: ORG_PATTERN } },
  },
  querystring: {
    type: 'object',
    properties: {
      granularity: {
        type: 'string',
        enum: [...GRANULARITIES],
        default: 'hour',
        description: 'Window of the latency quantiles: the trailing minute, the last closed UTC hour, or the current and previous UTC day. Counters are lifetime totals whatever the window.',
      },
      // The older mcpg_tool_latency_ms gauge besides the summary in seconds.
      latency_ms: { type: 'boolean', default: false },
    },
  },
  response: {
    200: { content: { [PROMETHEUS_TEXT_CONTENT_TYPE]: { schema: { type: 'string' } } } },
    400: errorBodySchema,
    500: errorBodySchema,
    503: errorBodySchema,
  },
} as const;

export function orgMetricsRoutes(app: FastifyInstance, store: Store, now: () => number = Date.now): void {
  // Output buffers reused across scrapes (a fleet exposition is megabytes;
  // fresh pages for each were most of the render time, see BufferPool), and
  // the bytes sent as they are, without a round trip through a string.
  const pool = new BufferPool();
  const closedHours = new ClosedHourQuantiles(store, { now });
  app.get<OrgMetricsRoute>('/v1/orgs/:org/metrics', { schema }, async (request, reply) => {
    // `granularity` is the window of the latency quantiles; counters are
    // lifetime totals and do not depend on it. Per minute: the trailing
    // minute (the current and the previous minute rows). Per hour: the last
    // closed UTC hour, merged once per hour and kept (closed-hour-quantiles.ts:
    // merging an hour per scrape was most of a scrape at 10k label sets). Per
    // day: the current UTC day and the one before, from the day digests. The
    // engine merges the digests and sends four numbers per label set.
    const { org } = request.params;
    const tier = request.query.granularity;
    const [totals, window, health] = await Promise.all([
      queryToolTotals(store, { org }),
      tier === 'hour' ? closedHours.get(org) : queryWindowQuantiles(store, { org, fromMs: now() - WINDOW_MS[tier], tier }),
      queryPipelineHealth(store),
    ]);
    const w = new ExpositionWriter({ pool });
    writeToolMetrics(w, org, totals, window, { latencyMs: request.query.latency_ms });
    writePipelineHealth(w, health);
    // The buffer goes back to the pool once the response is done with it.
    reply.raw.once('close', () => w.release());
    return reply.header('content-type', PROMETHEUS_TEXT_CONTENT_TYPE).header('cache-control', 'no-store').send(w.bytes());
  });
}
