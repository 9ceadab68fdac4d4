// JSON Schemas and shapes shared by the ledger routes.
import type { CheckpointRecord } from '@mcpg/store';
import { ORG_PATTERN } from './org-metrics.ts';

export const ledgerOrgParams = {
  type: 'object',
  required: ['org'],
  properties: { org: { type: 'string', pattern: ORG_PATTERN } },
} as const;

/** A seq or tree size: a non-negative safe integer. */
export const seqParam = (description: string) => ({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description }) as const;

const hex = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

export const checkpointSchema = {
  type: 'object',
  required: ['tree_size', 'first_seq', 'root', 'chain_head', 'event_time', 'closed_by', 'key_name', 'key_id', 'note'],
  properties: {
    tree_size: { type: 'integer', description: 'Rows covered: seq 0 .. tree_size - 1' },
    first_seq: { type: 'integer', description: 'First seq of the segment this checkpoint closed' },
    root: { ...hex, description: 'Merkle root (RFC 9162), lower-case hex (base64 in the note)' },
    chain_head: { ...hex, description: 'Chain head after the last row, lower-case hex' },
    event_time: { type: 'string', format: 'date-time', description: 'occurred_at of the last row covered (never the wall clock)' },
    closed_by: { type: 'string', enum: ['rows', 'time'] },
    key_name: { type: 'string' },
    key_id: { type: 'string', pattern: '^[0-9a-f]{8}$' },
    note: { type: 'string', description: 'The signed note (C2SP tlog-checkpoint): verify this, not the other fields' },
  },
} as const;

export interface CheckpointJson {
  tree_size: number;
  first_seq: number;
  root: string;
  chain_head: string;
  event_time: string;
  closed_by: string;
  key_name: string;
  key_id: string;
  note: string;
}

export const checkpointJson = (c: CheckpointRecord): CheckpointJson => ({
  tree_size: c.treeSize,
  first_seq: c.firstSeq,
  root: c.root,
  chain_head: c.chainHead,
  event_time: new Date(c.eventTime).toISOString(),
  closed_by: c.closedBy,
  key_name: c.keyName,
  key_id: c.keyId,
  note: c.note,
});

export const hexList = { type: 'array', items: hex } as const;
