// The org's ledger through its public routes: checkpoints, published keys,
// range verification and inclusion proofs.
import { api } from '../lib/session.ts';
import type { PublishedKey } from '../lib/ledger-verify.ts';

export interface Checkpoint {
  readonly tree_size: number;
  readonly first_seq: number;
  readonly root: string;
  readonly chain_head: string;
  readonly event_time: string;
  readonly closed_by: string;
  readonly key_name: string;
  readonly key_id: string;
  readonly note: string;
}

export interface LedgerKey extends PublishedKey {
  readonly name: string;
  readonly key_id: string;
  readonly not_before: string | null;
  readonly not_after: string | null;
}

export interface VerifyAnswer {
  readonly verified: boolean;
  readonly signed_by?: string | null;
  readonly checkpoint?: Checkpoint | null;
  readonly error?: { code: string; seq?: number; message?: string } | null;
}

export interface InclusionAnswer {
  readonly seq: number;
  readonly tree_size: number;
  readonly leaf_hash: string;
  readonly proof: readonly string[];
  readonly checkpoint: Checkpoint;
}

const base = (org: string) => `/v1/orgs/${encodeURIComponent(org)}/audit`;

export const fetchCheckpoints = (org: string, beforeSize: number | null, signal: AbortSignal) =>
  api.get<{ latest: Checkpoint | null; checkpoints: Checkpoint[]; next_before_size: number | null }>(`${base(org)}/checkpoints`, { limit: 20, before_size: beforeSize }, signal);

export const fetchKeys = (signal?: AbortSignal) => api.get<{ keys: LedgerKey[] }>('/v1/ledger/keys', {}, signal).then((r) => r.keys);

export const verifyRange = (org: string, from: number, to: number) => api.get<VerifyAnswer>(`${base(org)}/verify`, { from_seq: from, to_seq: to });

export const fetchInclusion = (org: string, seq: number, treeSize: number, signal?: AbortSignal) =>
  api.get<InclusionAnswer>(`${base(org)}/proofs/inclusion`, { seq, tree_size: treeSize }, signal);
