// GET /v1/orgs/:org/audit/proofs/inclusion?seq=&tree_size= and
// /proofs/consistency?from=&to= — RFC 9162 proofs from the stored Merkle
// nodes, for tree sizes that are signed checkpoints (returned with the proof:
// the client checks the proof against the signed root, not against us).
// Rows that retention pruned, and the tree sizes inside the pruned prefix,
// have no proofs any more: what is kept of them are the prefix's subtree
// hashes (audit_pruned), which serve proofs of the rows after it.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { queryCheckpointAt, queryPrunedPrefix, queryStoredLeaves, storedConsistencyProof, storedInclusionProof, type Store } from '@mcpg/store';
import { toHex } from '@mcpg/ledger';
import { errorBodySchema, sendError } from '../api-errors.ts';
import { checkpointJson, checkpointSchema, hexList, ledgerOrgParams, seqParam } from './ledger-schemas.ts';

interface InclusionRoute {
  Params: { org: string };
  Querystring: { seq: number; tree_size: number };
}

interface ConsistencyRoute {
  Params: { org: string };
  Querystring: { from: number; to: number };
}

const errors = { 400: errorBodySchema, 404: errorBodySchema, 503: errorBodySchema } as const;

const inclusionSchema = {
  summary: 'Inclusion proof of the row at seq in the signed tree of tree_size rows',
  tags: ['ledger'],
  params: ledgerOrgParams,
  querystring: {
    type: 'object',
    required: ['seq', 'tree_size'],
    properties: { seq: seqParam('The row (leaf index)'), tree_size: seqParam('A signed checkpoint size greater than seq') },
  },
  response: {
    200: {
      type: 'object',
      required: ['org', 'seq', 'tree_size', 'leaf_hash', 'proof', 'checkpoint'],
      properties: {
        org: { type: 'string' },
        seq: { type: 'integer' },
        tree_size: { type: 'integer' },
        leaf_hash: { type: 'string', description: 'Leaf hash stored at append time (recompute it from the row)' },
        proof: { ...hexList, description: 'Audit path, leaf side first (RFC 9162 §2.1.3)' },
        checkpoint: checkpointSchema,
      },
    },
    ...errors,
  },
} as const;

const consistencySchema = {
  summary: 'Consistency proof between two signed tree sizes',
  tags: ['ledger'],
  params: ledgerOrgParams,
  querystring: {
    type: 'object',
    required: ['from', 'to'],
    properties: { from: seqParam('The earlier signed tree size'), to: seqParam('The later signed tree size (≥ from)') },
  },
  response: {
    200: {
      type: 'object',
      required: ['org', 'from', 'to', 'proof', 'from_checkpoint', 'to_checkpoint'],
      properties: {
        org: { type: 'string' },
        from: { type: 'integer' },
        to: { type: 'integer' },
        proof: { ...hexList, description: 'RFC 9162 §2.1.4 consistency proof' },
        from_checkpoint: checkpointSchema,
        to_checkpoint: checkpointSchema,
      },
    },
    ...errors,
  },
} as const;

function notSigned(reply: FastifyReply, org: string, size: number, parameter: string): FastifyReply {
  return sendError(reply, 'NOT_FOUND', `no signed checkpoint of ${org} has tree size ${size} (list them at /v1/orgs/${org}/audit/checkpoints)`, parameter);
}

async function prunedBelow(store: Store, org: string, at: number): Promise<number | undefined> {
  const size = (await queryPrunedPrefix(store, org))?.size;
  return size !== undefined && at < size ? size : undefined;
}

function pruned(reply: FastifyReply, org: string, size: number, what: string, parameter: string): FastifyReply {
  return sendError(reply, 'NOT_FOUND', `${what} was pruned by the retention plan of ${org}: rows before seq ${size} are gone, proofs start there`, parameter);
}

export function ledgerProofRoutes(app: FastifyInstance, store: Store): void {
  app.get<InclusionRoute>('/v1/orgs/:org/audit/proofs/inclusion', { schema: inclusionSchema }, async (request, reply) => {
    const { org } = request.params;
    const { seq, tree_size } = request.query;
    if (seq >= tree_size) return sendError(reply, 'INVALID_PARAMETER', `query parameter seq must be less than tree_size (${tree_size})`, 'seq');
    const gone = await prunedBelow(store, org, seq);
    if (gone !== undefined) return pruned(reply, org, gone, `row seq ${seq}`, 'seq');
    const checkpoint = await queryCheckpointAt(store, org, tree_size);
    if (!checkpoint) return notSigned(reply, org, tree_size, 'tree_size');
    const [proof, leaves] = await Promise.all([storedInclusionProof(store, org, seq, tree_size), queryStoredLeaves(store, org, seq, seq + 1)]);
    return { org, seq, tree_size, leaf_hash: leaves.get(seq) ?? '', proof: proof.map(toHex), checkpoint: checkpointJson(checkpoint) };
  });

  app.get<ConsistencyRoute>('/v1/orgs/:org/audit/proofs/consistency', { schema: consistencySchema }, async (request, reply) => {
    const { org } = request.params;
    const { from, to } = request.query;
    if (from > to) return sendError(reply, 'INVALID_PARAMETER', `query parameter from must not exceed to (${to})`, 'from');
    const gone = await prunedBelow(store, org, from);
    if (gone !== undefined) return pruned(reply, org, gone, `tree size ${from}`, 'from');
    const [a, b] = await Promise.all([queryCheckpointAt(store, org, from), queryCheckpointAt(store, org, to)]);
    if (!a) return notSigned(reply, org, from, 'from');
    if (!b) return notSigned(reply, org, to, 'to');
    const proof = await storedConsistencyProof(store, org, from, to);
    return { org, from, to, proof: proof.map(toHex), from_checkpoint: checkpointJson(a), to_checkpoint: checkpointJson(b) };
  });
}
