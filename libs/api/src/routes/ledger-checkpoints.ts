// GET /v1/orgs/:org/audit/checkpoints — the latest signed checkpoint of an
// org's ledger and its history, newest first, paged by tree size.
import type { FastifyInstance } from 'fastify';
import { queryCheckpoints, type Store } from '@mcpg/store';
import { errorBodySchema } from '../api-errors.ts';
import { checkpointJson, checkpointSchema, ledgerOrgParams, seqParam, type CheckpointJson } from './ledger-schemas.ts';

interface Route {
  Params: { org: string };
  Querystring: { limit: number; before_size?: number };
}

const schema = {
  summary: "Signed checkpoints of an org's audit ledger: the latest and its history (newest first)",
  tags: ['ledger'],
  params: ledgerOrgParams,
  querystring: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100, description: 'Checkpoints per page' },
      before_size: seqParam('Only checkpoints smaller than this tree size (next_before_size of the previous page)'),
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['org', 'latest', 'checkpoints', 'next_before_size'],
      properties: {
        org: { type: 'string' },
        latest: { anyOf: [checkpointSchema, { type: 'null' }], description: 'The newest checkpoint; null before the first' },
        checkpoints: { type: 'array', items: checkpointSchema },
        next_before_size: { type: ['integer', 'null'], description: 'Pass as before_size for older checkpoints; null on the last page' },
      },
    },
    400: errorBodySchema,
    503: errorBodySchema,
  },
} as const;

export function ledgerCheckpointRoutes(app: FastifyInstance, store: Store): void {
  app.get<Route>('/v1/orgs/:org/audit/checkpoints', { schema }, async (request) => {
    const { org } = request.params;
    const { limit, before_size } = request.query;
    const [page, [latest]] = await Promise.all([
      queryCheckpoints(store, { org, limit: limit + 1, ...(before_size === undefined ? {} : { beforeSize: before_size }) }),
      queryCheckpoints(store, { org, limit: 1 }),
    ]);
    const more = page.length > limit;
    const checkpoints: CheckpointJson[] = page.slice(0, limit).map(checkpointJson);
    return { org, latest: latest ? checkpointJson(latest) : null, checkpoints, next_before_size: more ? (checkpoints.at(-1)?.tree_size ?? null) : null };
  });
}
