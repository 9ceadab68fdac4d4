// GET /v1/orgs/:org/audit/verify?from_seq=&to_seq= — verifies a range of the
// stored ledger on demand, widened to signed tree sizes at both ends: the rows
// are recomputed and must reproduce the root, chain head and event time of
// every checkpoint in the range, each signed by a key of the ledger's keyring
// valid at its event time (libs/store verify-stored-range.ts). The answer says
// what was checked and, on a break, its code, seq and table. A range beyond
// what is signed is 404 with the range that can be verified.
import type { FastifyInstance } from 'fastify';
import type { Keyring } from '@mcpg/ledger';
import { planStoredRange, queryCheckpoints, verifyStoredRange, type Store } from '@mcpg/store';
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
      required: ['org', 'from_seq', 'to_seq', 'verified', 'signed_by', 'checked', 'checkpoint', 'error', 'pruned_before'],
      properties: {
        org: { type: 'string' },
        from_seq: { type: 'integer' },
        to_seq: { type: 'integer' },
        verified: { type: 'boolean', description: 'true: every row of the range is the one the signed checkpoint commits to' },
        pruned_before: { type: ['integer', 'null'], description: 'The range reaches rows pruned by the org retention plan: rows before this seq are gone, and the check starts here (their subtree hashes must reproduce the signed root at it); null when nothing asked for was pruned' },
        signed_by: { type: 'array', items: { type: 'string' }, description: 'Keys whose signatures verified' },
        checked: {
          type: 'object',
          required: ['from_seq', 'to_seq', 'checkpoints'],
          description: 'What was verified: the range widened to signed sizes at both ends, and every checkpoint in it',
          properties: {
            from_seq: { type: 'integer', description: 'First row checked: the largest checkpoint size at or below from_seq, or 0' },
            to_seq: { type: 'integer', description: 'Last row checked: the last row of the smallest checkpoint covering to_seq' },
            checkpoints: { type: 'array', items: { type: 'integer' }, description: 'Tree sizes of the checkpoints whose signature, root, chain head and event time were checked' },
          },
        },
        checkpoint: checkpointSchema,
        error: {
          type: ['object', 'null'],
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', description: 'A ledger error code, as mcpg verify names it: ROW_EDITED, ROW_DELETED, ROW_INSERTED, ROWS_REORDERED, FORK, NODE_EDITED, UNKNOWN_KEY, BAD_SIGNATURE, …' },
            message: { type: 'string' },
            seq: { type: 'integer' },
            tree_size: { type: 'integer' },
            table: { type: 'string', enum: ['audit_log', 'audit_merkle_nodes', 'audit_checkpoints', 'audit_pruned'], description: 'The table the break is in' },
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
    const plan = await planStoredRange(store, org, fromSeq, toSeq);
    if (!plan) return reply.code(API_ERROR_STATUS.NOT_FOUND).send({ error: { code: 'NOT_FOUND', message: `seq ${toSeq} of ${org} is not signed yet`, parameter: 'to_seq', available } });
    if (plan.cover.treeSize - plan.start > 2 * MAX_VERIFY_ROWS) {
      return sendError(reply, 'INVALID_PARAMETER', `the checkpoints around seq ${fromSeq}..${toSeq} span ${plan.cover.treeSize - plan.start} rows, more than one request verifies; export the ledger (mcpg export-audit)`, 'to_seq');
    }
    const checkpoint = checkpointJson(plan.cover);
    if (keyring === undefined || keyring.entries.length === 0) {
      return {
        org, from_seq: fromSeq, to_seq: toSeq, verified: false, signed_by: [], checked: { from_seq: plan.start, to_seq: plan.start - 1, checkpoints: [] }, checkpoint, pruned_before: plan.prunedBefore,
        error: { code: 'UNKNOWN_KEY', message: 'this API has no ledger public keys configured' },
      };
    }
    const verdict = await verifyStoredRange(store, { org, start: plan.start, cover: plan.cover, keyring });
    const e = verdict.error;
    const error = e
      ? { code: e.code, message: e.message, ...(e.seq === undefined ? {} : { seq: e.seq }), ...(e.treeSize === undefined ? {} : { tree_size: e.treeSize }), ...(e.table === undefined ? {} : { table: e.table }) }
      : null;
    const checked = { from_seq: verdict.checked.fromSeq, to_seq: verdict.checked.toSeq, checkpoints: verdict.checked.checkpoints };
    return { org, from_seq: fromSeq, to_seq: toSeq, verified: verdict.verified, signed_by: verdict.signedBy, checked, checkpoint, error, pruned_before: plan.prunedBefore };
  });
}
