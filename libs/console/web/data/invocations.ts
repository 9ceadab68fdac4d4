// Samples of a bucket (GET /v1/orgs/{org}/invocations) and one call's trace
// (GET /v1/orgs/{org}/invocations/{event_id}), and the inclusion check of its
// ledger row against the published keys.
import type { Params } from '../lib/api.ts';
import { api } from '../lib/session.ts';
import { verifyInclusion, type InclusionVerdict } from '../lib/ledger-verify.ts';
import { fetchCheckpoints, fetchInclusion, fetchKeys } from './ledger.ts';

export interface Invocation {
  readonly event_id: string;
  readonly started_at: number;
  readonly workspace: string;
  readonly plugin: string;
  readonly tool: string;
  readonly actor: string;
  readonly instance: string;
  readonly source: string;
  readonly outcome: string;
  readonly duration_ms: number;
  readonly error_code: string | null;
  readonly tokens_in: number;
  readonly tokens_out: number;
  readonly trace_id: string | null;
}

export interface CallTrace {
  readonly call: Invocation & {
    readonly span_id: string | null;
    readonly policy_decision: string | null;
    readonly policy_rule: string | null;
    readonly error_hash: string | null;
    readonly emitted_at: number | null;
    readonly kafka_at: number | null;
    readonly stored_at: number | null;
  };
  readonly steps: readonly ({ stage: string; at: number | null; summary: string } & Record<string, unknown>)[];
  readonly audit: readonly { seq: number; occurred_at: string | number; action: string; actor: string; instance: string; resource: string; decision: string; outcome: string; leaf_hash: string }[];
  readonly ledger: { seq: number; inclusion_proof_url: string } | null;
  readonly lag: { gateway_ms: number | null; kafka_ms: number | null; pipeline_ms: number | null };
}

const path = (org: string, rest = '') => `/v1/orgs/${encodeURIComponent(org)}/invocations${rest}`;

const SAMPLES = 20;

/**
 * The first calls of a bucket. The route takes one outcome: for several
 * (failed = error or timeout) it is asked once per outcome and the answers
 * are merged in the asked order, so a bucket's timeouts are not hidden behind its errors.
 */
export async function fetchSamples(
  org: string,
  q: Params & { sort: 'slowest' | 'newest' },
  outcomes: readonly string[] | undefined,
  signal: AbortSignal,
): Promise<{ items: Invocation[] }> {
  const ask = (outcome: string | undefined) =>
    api.get<{ items: Invocation[] }>(path(org), { ...q, outcome, limit: SAMPLES }, signal).then((r) => r.items);
  const lists = await Promise.all(outcomes?.length ? outcomes.map(ask) : [ask(undefined)]);
  const key = q.sort === 'slowest' ? (c: Invocation) => c.duration_ms : (c: Invocation) => c.started_at;
  return { items: lists.flat().sort((a, b) => key(b) - key(a)).slice(0, SAMPLES) };
}

export const fetchTrace = (org: string, eventId: string, signal: AbortSignal) => api.get<CallTrace>(path(org, `/${encodeURIComponent(eventId)}`), {}, signal);

/**
 * Proves the ledger row is in a signed tree: the smallest signed checkpoint
 * covering the row (from the inclusion proof URL when it names one), its
 * proof, and the keys — checked here.
 */
export async function checkLedgerRow(org: string, seq: number, leafHash: string, proofUrl: string | undefined): Promise<InclusionVerdict & { leafMatches: boolean }> {
  // Any signed tree that holds the row proves it; the URL may name one.
  let treeSize = Number(new URL(proofUrl ?? '/', location.origin).searchParams.get('tree_size') ?? NaN);
  if (!Number.isSafeInteger(treeSize)) {
    const latest = (await fetchCheckpoints(org, null, new AbortController().signal)).latest;
    if (!latest || latest.tree_size <= seq) return { ok: false, reason: 'the row is not signed yet: no checkpoint covers it', leafMatches: false };
    treeSize = latest.tree_size;
  }
  const [proof, keys] = await Promise.all([fetchInclusion(org, seq, treeSize), fetchKeys()]);
  const verdict = verifyInclusion({ seq, leafHash: proof.leaf_hash, treeSize, proof: proof.proof, note: proof.checkpoint.note }, keys);
  return { ...verdict, leafMatches: proof.leaf_hash === leafHash };
}
