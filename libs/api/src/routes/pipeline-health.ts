// GET /v1/orgs/:org/pipeline — the pipeline's health as JSON: dead letters by
// worker group, topic and reason, and each worker group's backlog and lag per
// partition. The same figures the org's fleet exposition carries
// (mcpg_pipeline_*), without rendering every label set of the org's tools to
// read them: the console's health strip reads this on every refresh. The
// pipeline is shared by all orgs (a message that cannot be decoded has no
// org), so the figures are fleet-wide, as in the exposition; the route sits
// under the org so it takes the same key and scope as the org's metrics.
import type { FastifyInstance } from 'fastify';
import { queryPipelineHealth, type Store } from '@mcpg/store';
import { errorBodySchema } from '../api-errors.ts';
import { orgParamsSchema } from './audit-search.ts';

const count = { type: 'integer', minimum: 0 } as const;

const schema = {
  summary: 'Pipeline health: dead letters by reason, backlog and ingest lag per worker group and partition (fleet-wide, as in the exposition)',
  tags: ['metrics'],
  params: orgParamsSchema,
  response: {
    200: {
      type: 'object',
      required: ['dead_letters', 'partitions'],
      properties: {
        dead_letters: {
          type: 'object',
          required: ['total', 'by_reason'],
          properties: {
            total: { ...count, description: 'Messages dead-lettered, all worker groups (mcpg_pipeline_dead_letters_total summed); never decreases' },
            by_reason: {
              type: 'array',
              items: {
                type: 'object',
                required: ['consumer', 'topic', 'code', 'count'],
                properties: {
                  consumer: { type: 'string', description: 'Worker group (Kafka consumer group)' },
                  topic: { type: 'string' },
                  code: { type: 'string', description: 'Why: the error code the worker gave (BAD_MAGIC, INVALID_CALL, …); details in the dead_letters table' },
                  count,
                },
              },
            },
          },
        },
        partitions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['consumer', 'topic', 'partition', 'committed_offset', 'backlog', 'ingest_lag_ms', 'updated_at'],
            properties: {
              consumer: { type: 'string' },
              topic: { type: 'string' },
              partition: count,
              committed_offset: { ...count, description: 'Next offset to read: every message before it is stored' },
              backlog: { ...count, description: 'Messages in the partition not yet stored, at the last flush' },
              ingest_lag_ms: { ...count, description: 'At the last flush: storing time minus the produce time of its oldest message, ms' },
              updated_at: { type: 'string', format: 'date-time', description: 'When the worker stored its last flush for this partition' },
            },
          },
        },
      },
    },
    400: errorBodySchema,
    503: errorBodySchema,
  },
} as const;

export function pipelineHealthRoutes(app: FastifyInstance, store: Store): void {
  app.get<{ Params: { org: string } }>('/v1/orgs/:org/pipeline', { schema, config: { role: 'metrics' } }, async () => {
    const h = await queryPipelineHealth(store);
    return {
      dead_letters: {
        total: h.deadLetters.reduce((s, d) => s + d.count, 0),
        by_reason: h.deadLetters.map((d) => ({ consumer: d.consumer, topic: d.topic, code: d.code, count: d.count })),
      },
      partitions: h.partitions.map((p) => ({
        consumer: p.consumer,
        topic: p.topic,
        partition: p.partition,
        committed_offset: p.committedOffset,
        backlog: p.backlog,
        ingest_lag_ms: p.ingestLagMs,
        updated_at: new Date(p.updatedAt * 1000).toISOString(),
      })),
    };
  });
}
