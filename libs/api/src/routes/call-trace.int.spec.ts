import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { toInvocationRow } from '@mcpg/rollup';
import { insertCheckpoints, insertToolInvocations } from '@mcpg/store';
import { insertAuditFixtures } from '@mcpg/store/testing';
import { createTestApi, type TestApi } from '../testing/api-test-app.ts';
import { makeCalls } from '../testing/calls-dataset.ts';
import { utcDaysAgo } from '@mcpg/store/testing';

const T = utcDaysAgo(3, 8);
let api: TestApi;

before(async () => {
  api = await createTestApi({ now: () => T + 3_600_000 });
});
after(async () => {
  await api.close();
});

const get = (url: string) => api.app.inject({ method: 'GET', url });

test('a call with its steps, its audit row, the ledger position with a proof link, and the lag split', async () => {
  const [ok, denied] = makeCalls({ org: 'acme', seed: 9, calls: 2, fromMs: T, spanMs: 60_000 });
  const call = { ...ok!, outcome: 'error' as const, error_code: 'upstream_failed', error_message: 'upstream answered 502', emitted_at: T + 45 };
  const deny = { ...denied!, outcome: 'denied' as const, policy_decision: 'deny' as const, policy_rule_id: 'rule-7' };
  // Kafka took the event 7 ms after the gateway emitted it.
  await insertToolInvocations(api.store, [toInvocationRow(call, 2, '41', call.emitted_at + 7), toInvocationRow(deny, 2, '42')]);
  await insertAuditFixtures(api.store, [
    { org: 'acme', seq: 10, occurredAtMs: call.started_at, eventId: 'someone-else:audit' },
    { org: 'acme', seq: 11, occurredAtMs: call.started_at, eventId: `${call.event_id}:audit`, actor: call.actor, outcome: 'error', instance: call.instance },
    { org: 'other', seq: 11, occurredAtMs: call.started_at, eventId: `${call.event_id}:audit` },
  ]);
  await insertCheckpoints(api.store, [
    { org: 'acme', treeSize: 12, firstSeq: 0, root: '0'.repeat(64), chainHead: '0'.repeat(64), eventTime: T, closedBy: 'rows', keyName: 'k', keyId: '00000000', signature: 'AA==', note: 'n' },
    { org: 'acme', treeSize: 40, firstSeq: 12, root: '0'.repeat(64), chainHead: '0'.repeat(64), eventTime: T, closedBy: 'rows', keyName: 'k', keyId: '00000000', signature: 'AA==', note: 'n' },
  ]);
  const res = await get(`/v1/orgs/acme/invocations/${encodeURIComponent(call.event_id)}`);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as {
    call: Record<string, unknown>;
    steps: { stage: string; summary: string }[];
    audit: { seq: number; actor: string; outcome: string }[];
    ledger: { seq: number; inclusion_proof_url: string | null };
    lag: { gateway_ms: number; kafka_ms: number; pipeline_ms: number };
  };
  assert.equal(body.call.event_id, call.event_id);
  assert.equal(body.call.outcome, 'error');
  assert.equal(body.call.error_code, 'upstream_failed');
  assert.match(String(body.call.error_hash), /^[0-9a-f]{64}$/);
  assert.equal(body.call.kafka_at, call.emitted_at + 7);
  assert.deepEqual(body.steps.map((s) => s.stage), ['identity', 'policy', 'dispatch', 'outcome']);
  assert.equal(body.steps[3]!.summary, 'error (upstream_failed)');
  assert.deepEqual(body.audit.map((a) => [a.seq, a.actor, a.outcome]), [[11, call.actor, 'error']]);
  assert.deepEqual(body.ledger, { seq: 11, inclusion_proof_url: '/v1/orgs/acme/audit/proofs/inclusion?seq=11&tree_size=12' });
  assert.equal(body.lag.gateway_ms, 45);
  assert.equal(body.lag.kafka_ms, 7);
  assert.ok(body.lag.pipeline_ms >= 0, 'stored after Kafka had it');

  // A denied call never reached its upstream: no dispatch step; no audit row stored yet, no ledger.
  const d = (await get(`/v1/orgs/acme/invocations/${encodeURIComponent(deny.event_id)}`)).json() as typeof body;
  assert.deepEqual(d.steps.map((s) => s.stage), ['identity', 'policy', 'outcome']);
  assert.equal(d.steps[1]!.summary, 'deny by rule rule-7');
  assert.equal(d.ledger, null);
  assert.deepEqual(d.lag, { gateway_ms: deny.emitted_at - deny.started_at, kafka_ms: null, pipeline_ms: null });
});

test("an unknown id and another org's id are the same 404", async () => {
  const [c] = makeCalls({ org: 'other', seed: 10, calls: 1, fromMs: T, spanMs: 1 });
  await insertToolInvocations(api.store, [toInvocationRow(c!, 0, '1')]);
  assert.equal((await get(`/v1/orgs/other/invocations/${c!.event_id}`)).statusCode, 200);
  const theirs = await get(`/v1/orgs/acme/invocations/${c!.event_id}`);
  const unknown = await get('/v1/orgs/acme/invocations/no-such-call');
  assert.equal(theirs.statusCode, 404);
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(theirs.json(), unknown.json());
});
