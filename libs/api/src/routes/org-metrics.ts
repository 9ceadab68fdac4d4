// GET /v1/orgs/:org/metrics — the fleet's Prometheus exposition for one org.
import type { FastifyInstance } from 'fastify';
import { BufferPool, ExpositionWriter, PROMETHEUS_TEXT_CONTENT_TYPE } from '@mcpg/exposition';
import { queryPipelineHealth, queryToolTotals, queryWindowQuantiles, type Store } from '@mcpg/store';
import { errorBodySchema } from '../api-errors.ts';
import { writeToolMetrics } from '../metrics/render-tool-metrics.ts';
import { writePipelineHealth } from '../metrics/render-pipeline-health.ts';

/** Org ids as they appear in URLs and labels: no leading punctuation, no slashes or spaces. */
export const ORG_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$';
export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
const WINDOW_MS: Record<Granularity, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

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
      granularity: { type: 'string', enum: [...GRANULARITIES], default: 'hour' },
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

export function orgMetricsRoutes(app: FastifyInstance, store: Store): void {
  // Output buffers reused across scrapes (a fleet exposition is megabytes;
  // fresh pages for each were most of the render time, see BufferPool), and
  // the bytes sent as they are, without a round trip through a string.
  const pool = new BufferPool();
  app.get<OrgMetricsRoute>('/v1/orgs/:org/metrics', { schema }, async (request, reply) => {
    // `granularity` is the window of the latency quantiles; counters are
    // lifetime totals and do not depend on it. Per minute: the trailing
    // minute. Per hour and day: the current UTC hour (day) and the one before,
    // read from the hour (day) digests, one row each per label set, where a
    // trailing 60 minutes would merge sixty minute digests per label set on
    // every scrape. The engine merges them and sends four numbers per label set.
    const { org } = request.params;
    const tier = request.query.granularity;
    const fromMs = Date.now() - WINDOW_MS[tier];
    const [totals, window, health] = await Promise.all([
      queryToolTotals(store, { org }),
      queryWindowQuantiles(store, { org, fromMs, tier }),
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
