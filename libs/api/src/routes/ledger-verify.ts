// GET /v1/orgs/:org/audit/verify?from_seq=&to_seq= — verifies a range of the
// stored ledger on demand: the rows are recomputed and must reproduce the
// root of the smallest signed checkpoint covering them, signed by a key of
// the ledger's keyring valid at its event time. A range beyond what is signed
// is 404 with the range that can be verified.
import type { FastifyInstance } from 'fastify';
import type { Keyring } from '@mcpg/ledger';
import { queryCheckpointCovering, queryCheckpoints, verifyStoredRange, type Store } from '@mcpg/store';
import { API_ERROR_STATUS, errorBodySchema, sendError } from '../api-errors.ts';
import { checkpointJson, checkpointSchema, ledgerOrgParams, seqParam } from './ledger-schemas.ts';

/** Rows one request may verify; larger audits use `mcpg export-audit` and `mcpg verify`. */
export const MAX_VERIFY_ROWS = 100_000;

interface Route {
  Params: { org: string };
  Querystring: { from_seq: number; to_seq?: number };
}

const rangeSchema = {
  type: ['object', 'null'],
  required: ['from_seq', 'to_seq'],
  properties: { from_seq: { type: 'integer' }, to_seq: { type: 'integer' } },
} as const;

const notFoundSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'available'],
      properties: {
        code: { type: 'string', enum: ['NOT_FOUND'] },
        message: { type: 'string' },
        parameter: { type: 'string' },
        available: { ...rangeSchema, description: 'The signed range that can be verified; null before the first checkpoint' },
      },
    },
  },
} as const;

const schema = {
  summary: "Verify a range of an org's audit ledger against its signed checkpoint",
  tags: ['ledger'],
  params: ledgerOrgParams,
  querystring: {
    type: 'object',
    properties: {
      from_seq: { ...seqParam('First seq of the range'), default: 0 },
      to_seq: seqParam('Last seq of the range (inclusive); default: the last signed row'),
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['org', 'from_seq', 'to_seq', 'verified', 'signed_by', 'checkpoint', 'error'],
      properties: {
        org: { type: 'string' },
        from_seq: { type: 'integer' },
        to_seq: { type: 'integer' },
        verified: { type: 'boolean', description: 'true: every row of the range is the one the signed checkpoint commits to' },
        signed_by: { type: 'array', items: { type: 'string' }, description: 'Keys whose signatures verified' },
        checkpoint: checkpointSchema,
        error: {
          type: ['object', 'null'],
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', description: 'A ledger error code: ROW_EDITED, ROW_DELETED, ROW_INSERTED, FOREIGN_ROW, UNKNOWN_KEY, EXPIRED_KEY, BAD_SIGNATURE, …' },
            message: { type: 'string' },
            seq: { type: 'integer' },
            tree_size: { type: 'integer' },
          },
        },
      },
    },
    400: errorBodySchema,
    404: notFoundSchema,
    503: errorBodySchema,
  },
} as const;

export function ledgerVerifyRoutes(app: FastifyInstance, store: Store, keyring: Keyring | undefined): void {
  app.get<Route>('/v1/orgs/:org/audit/verify', { schema }, async (request, reply) => {
    const { org } = request.params;
    const [latest] = await queryCheckpoints(store, { org, limit: 1 });
    const available = latest ? { from_seq: 0, to_seq: latest.treeSize - 1 } : null;
    const fromSeq = request.query.from_seq;
    const toSeq = request.query.to_seq ?? (available?.to_seq ?? 0);
    if (fromSeq > toSeq) return sendError(reply, 'INVALID_PARAMETER', `query parameter from_seq must not exceed to_seq (${toSeq})`, 'from_seq');
    if (!available || toSeq > available.to_seq) {
      const message = available
        ? `seq ${fromSeq}..${toSeq} of ${org} is not covered by a signed checkpoint; the signed range is ${available.from_seq}..${available.to_seq}`
        : `the ledger of ${org} has no signed checkpoint yet`;
      return reply.code(API_ERROR_STATUS.NOT_FOUND).send({ error: { code: 'NOT_FOUND', message, parameter: 'to_seq', available } });
    }
    if (toSeq - fromSeq + 1 > MAX_VERIFY_ROWS) {
      return sendError(reply, 'INVALID_PARAMETER', `at most ${MAX_VERIFY_ROWS} rows per request; export the ledger (mcpg export-audit) for more`, 'to_seq');
    }
    const checkpoint = (await queryCheckpointCovering(store, org, toSeq + 1)) ?? latest!;
    if (keyring === undefined || keyring.entries.length === 0) {
      return { org, from_seq: fromSeq, to_seq: toSeq, verified: false, signed_by: [], checkpoint: checkpointJson(checkpoint), error: { code: 'UNKNOWN_KEY', message: 'this API has no ledger public keys configured' } };
    }
    const verdict = await verifyStoredRange(store, { org, fromSeq, toSeq, checkpoint, keyring });
    const error = verdict.error
      ? {
          code: verdict.error.code,
          message: verdict.error.message,
          ...(verdict.error.seq === undefined ? {} : { seq: verdict.error.seq }),
          ...(verdict.error.treeSize === undefined ? {} : { tree_size: verdict.error.treeSize }),
        }
      : null;
    return { org, from_seq: fromSeq, to_seq: toSeq, verified: verdict.verified, signed_by: verdict.signedBy, checkpoint: checkpointJson(checkpoint), error };
  });
}
