// GET /v1/orgs/:org/invocations/:event_id — one call from identity to
// outcome: its stored row, the steps it went through at the gateway, its
// audit rows with the ledger position and a link to the inclusion proof, and
// where the time between the call and its storage went (gateway, Kafka,
// pipeline). An unknown id and another org's id are the same 404.
import type { FastifyInstance } from 'fastify';
import { queryCallTrace, type CallTrace, type Store } from '@mcpg/store';
import { ApiError, errorBodySchema } from '../api-errors.ts';
import { invocationItem, invocationItemProperties } from './invocations.ts';
import { ORG_PATTERN } from './org-metrics.ts';

const nullableInt = { type: ['integer', 'null'] } as const;

const schema = {
  summary: 'One call with its audit rows, ledger position and lag split (gateway, Kafka, pipeline)',
  tags: ['series'],
  params: {
    type: 'object',
    required: ['org', 'event_id'],
    properties: { org: { type: 'string', pattern: ORG_PATTERN }, event_id: { type: 'string', minLength: 1, maxLength: 256, description: 'event_id of the call' } },
  },
  response: {
    200: {
      type: 'object',
      required: ['call', 'steps', 'audit', 'ledger', 'lag'],
      properties: {
        call: {
          type: 'object',
          properties: {
            ...invocationItemProperties,
            span_id: { type: ['string', 'null'] },
            policy_decision: { type: 'string' },
            policy_rule: { type: ['string', 'null'] },
            error_hash: { type: ['string', 'null'], description: 'BLAKE3 hex of the masked error message' },
            emitted_at: { type: 'integer', description: 'Gateway emitted the event, epoch ms' },
            kafka_at: { ...nullableInt, description: 'Kafka message timestamp, epoch ms' },
            stored_at: { type: 'integer', description: 'Row stored in ClickHouse, epoch ms' },
          },
        },
        steps: {
          type: 'array',
          items: {
            type: 'object',
            required: ['stage', 'at', 'summary'],
            properties: { stage: { type: 'string', enum: ['identity', 'policy', 'dispatch', 'outcome'] }, at: { type: 'integer' }, summary: { type: 'string' } },
            additionalProperties: true,
          },
        },
        audit: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              seq: { type: 'integer' }, occurred_at: { type: 'integer' }, action: { type: 'string' }, actor: { type: 'string' }, instance: { type: 'string' },
              resource: { type: 'string' }, decision: { type: 'string' }, outcome: { type: 'string' }, leaf_hash: { type: 'string' },
            },
          },
        },
        ledger: {
          type: ['object', 'null'],
          properties: { seq: { type: 'integer' }, inclusion_proof_url: { type: ['string', 'null'], description: 'null until a signed checkpoint covers the row' } },
        },
        lag: {
          type: 'object',
          properties: {
            gateway_ms: { ...nullableInt, description: 'emitted_at - started_at' },
            kafka_ms: { ...nullableInt, description: 'kafka_at - emitted_at' },
            pipeline_ms: { ...nullableInt, description: 'stored_at - kafka_at' },
          },
        },
      },
    },
    400: errorBodySchema,
    404: errorBodySchema,
    503: errorBodySchema,
  },
} as const;

const orNull = (s: string) => (s === '' ? null : s);

function traceBody(org: string, t: CallTrace) {
  const c = t.call;
  const durationMs = c.durationUs / 1000;
  const first = t.audit[0];
  return {
    call: {
      ...invocationItem(c),
      span_id: orNull(c.spanId),
      policy_decision: c.policyDecision,
      policy_rule: orNull(c.policyRuleId),
      error_hash: orNull(c.errorHash),
      emitted_at: c.emittedAtMs,
      kafka_at: c.kafkaAtMs,
      stored_at: c.storedAtMs,
    },
    steps: [
      // The events carry who called and through which gateway, not how the
      // caller proved it: `method` stays null until they do.
      { stage: 'identity', at: c.startedAtMs, summary: `${c.actor} via ${c.source} at ${c.instance}`, actor: c.actor, instance: c.instance, source: c.source, workspace: c.workspace, method: null },
      {
        stage: 'policy',
        at: c.startedAtMs,
        summary: c.policyRuleId ? `${c.policyDecision} by rule ${c.policyRuleId}` : `${c.policyDecision} (default)`,
        decision: c.policyDecision,
        rule: orNull(c.policyRuleId),
      },
      ...(c.policyDecision === 'deny'
        ? []
        : [{ stage: 'dispatch', at: c.startedAtMs, summary: `${c.plugin}__${c.tool} took ${durationMs} ms`, upstream: c.plugin, tool: c.tool, duration_ms: durationMs }]),
      {
        stage: 'outcome',
        at: c.startedAtMs + Math.round(durationMs),
        summary: c.errorCode ? `${c.outcome} (${c.errorCode})` : c.outcome,
        outcome: c.outcome,
        error_code: orNull(c.errorCode),
        error_hash: orNull(c.errorHash),
      },
    ],
    audit: t.audit.map((a) => ({
      seq: a.seq,
      occurred_at: a.occurredAtMs,
      action: a.action,
      actor: a.actor,
      instance: a.instance,
      resource: a.resource,
      decision: a.decision,
      outcome: a.outcome,
      leaf_hash: a.leafHash,
    })),
    ledger: first
      ? {
          seq: first.seq,
          inclusion_proof_url:
            t.coveringTreeSize === null ? null : `/v1/orgs/${encodeURIComponent(org)}/audit/proofs/inclusion?seq=${first.seq}&tree_size=${t.coveringTreeSize}`,
        }
      : null,
    lag: {
      gateway_ms: c.emittedAtMs - c.startedAtMs,
      kafka_ms: c.kafkaAtMs === null ? null : c.kafkaAtMs - c.emittedAtMs,
      pipeline_ms: c.kafkaAtMs === null ? null : c.storedAtMs - c.kafkaAtMs,
    },
  };
}

export function callTraceRoutes(app: FastifyInstance, store: Store): void {
  app.get<{ Params: { org: string; event_id: string } }>('/v1/orgs/:org/invocations/:event_id', { schema, config: { role: 'audit' } }, async (request) => {
    const { org, event_id } = request.params;
    const trace = await queryCallTrace(store, org, event_id);
    // Same answer for another org's id: nothing says it exists.
    if (!trace) throw new ApiError('NOT_FOUND', 'no call with this event_id in this org');
    return traceBody(org, trace);
  });
}
