// GET/PUT /v1/admin/orgs/{org}/plan and GET /v1/orgs/{org}/retention: a plan
// change is recorded in the org's audit topic (the ledger's input) before it
// takes effect, is refused without that path, and shows in the retention view.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMemoryBus } from '@mcpg/bus';
import { collect } from '@mcpg/bus/testing';
import { PlanCatalogue } from '@mcpg/config';
import { auditCodec, TOPICS } from '@mcpg/events';
import { busOperatorAudit } from '@mcpg/pipeline';
import { OrgRetention } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import type { Store } from '@mcpg/store';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../app.ts';
import { bearer, testKey } from '../testing/api-test-app.ts';

const NOW = Date.UTC(2026, 11, 7, 12);
let store: Store;
let app: FastifyInstance;
let noLedger: FastifyInstance;
const bus = createMemoryBus();
const keys = [testKey('ops', ['*'], ['admin']), testKey('prom', ['acme'], ['metrics'])];

before(async () => {
  store = await createTestStore();
  await bus.ensureTopics([{ name: TOPICS.audit, partitions: 1 }]);
  const catalogue = new PlanCatalogue({ orgPlans: [{ org: 'globex', plan: 'pro' }], defaultPlan: 'enterprise' });
  app = buildApi({ store, apiKeys: keys, now: () => NOW, retention: new OrgRetention(store, catalogue), operatorAudit: busOperatorAudit(bus) });
  noLedger = buildApi({ store, apiKeys: keys, now: () => NOW, retention: new OrgRetention(store, catalogue) });
  await Promise.all([app.ready(), noLedger.ready()]);
});
after(async () => {
  await app.close();
  await noLedger.close();
  await store.close();
  await bus.close();
});

const get = (a: FastifyInstance, org: string, key = 'ops') => a.inject({ method: 'GET', url: `/v1/admin/orgs/${org}/plan`, headers: bearer(key) });
const put = (a: FastifyInstance, org: string, body: unknown, key = 'ops') =>
  a.inject({ method: 'PUT', url: `/v1/admin/orgs/${org}/plan`, headers: { ...bearer(key), 'content-type': 'application/json' }, payload: JSON.stringify(body) });

test('an org not named is on the default plan; a named one on its configured plan', async () => {
  assert.deepEqual((await get(app, 'acme')).json(), {
    org: 'acme', plan: 'enterprise', source: 'default',
    retention_days: { samples: 30, payloads: 30, rollups_1m: 90, rollups_1h: 180, rollups_1d: 2557, audit: 2557 },
    changed_at: null, changed_by: null, ledger_event_id: null,
  });
  assert.equal((await get(app, 'globex')).json().source, 'config');
  assert.equal((await get(app, 'acme', 'prom')).statusCode, 403, 'admin only');
});

test('a plan change goes to the org ledger first, then takes effect; the retention view follows', async () => {
  // Read before the change: the view after it must not be an answer kept from now.
  const earlier = await app.inject({ method: 'GET', url: '/v1/orgs/acme/retention', headers: bearer('prom') });
  assert.equal(earlier.json().plan, 'enterprise');
  const res = await put(app, 'acme', { plan: 'community' });
  assert.equal(res.statusCode, 200, res.body);
  const view = res.json();
  assert.equal(view.plan, 'community');
  assert.equal(view.source, 'api');
  assert.equal(view.changed_by, 'ops');
  assert.equal(view.changed_at, NOW);

  const [msg] = await collect(await bus.consumer({ groupId: 'check', topics: [TOPICS.audit] }), 1);
  assert.equal(msg!.key, 'acme', 'keyed by org: the org chain');
  const event = auditCodec.decode(msg!.value);
  assert.equal(event.action, 'operator.plan_change');
  assert.equal(event.event_id, view.ledger_event_id);
  assert.equal(event.actor, 'ops');
  assert.equal(event.occurred_at, NOW);
  assert.deepEqual(JSON.parse(event.arguments!), {
    from: 'enterprise', from_source: 'default', to: 'community',
    retention_days: { samples: 30, payloads: 30, rollups_1m: 30, rollups_1h: 30, rollups_1d: 30, audit: 30 },
  });

  assert.deepEqual((await get(app, 'acme')).json(), view);
  const retention = await app.inject({ method: 'GET', url: '/v1/orgs/acme/retention', headers: bearer('prom') });
  assert.equal(retention.statusCode, 200, retention.body);
  const r = retention.json();
  assert.equal(r.plan, 'community');
  assert.equal(r.classes.audit.days, 30);
  assert.equal(r.classes.rollups_1m.window_start, NOW - 30 * 86_400_000);
  assert.equal(r.classes.samples.oldest_retained, null);
});

test('a bad plan or org is a 400 naming it; without a path to the ledger a change is refused and nothing changes', async () => {
  const bad = await put(app, 'acme', { plan: 'platinum' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.parameter, 'plan');
  assert.match(bad.json().error.message, /community, pro, team, enterprise/);
  const refused = await put(noLedger, 'globex', { plan: 'team' });
  assert.equal(refused.statusCode, 503);
  assert.equal(refused.json().error.code, 'AUDIT_UNAVAILABLE');
  assert.equal((await get(app, 'globex')).json().plan, 'pro');
});

test("queries that reach before the org's plan answer with what remains and say where it starts", async () => {
  const DAY = 86_400_000;
  // acme is on community now (30 days for every class); globex on pro by configuration (90 days of minute rows).
  const series = (org: string, from: number, step = '&step=1d') =>
    app.inject({ method: 'GET', url: `/v1/orgs/${org}/series?from=${from}&to=${NOW}${step}`, headers: bearer('ops') });
  const community = await series('acme', NOW - 60 * DAY);
  assert.equal(community.statusCode, 200, community.body);
  assert.equal(community.json().truncated_before, NOW - 30 * DAY);
  assert.equal((await series('acme', NOW - 20 * DAY)).json().truncated_before, null);
  const pro = await series('globex', NOW - 60 * DAY);
  assert.equal(pro.json().truncated_before, null, 'pro keeps day rollups 90 days');
  // Minute and hour steps reach back only as far as the org's plan keeps their tier (not the enterprise tiers).
  const tooFine = await series('acme', NOW - 45 * DAY, '&step=1h');
  assert.equal(tooFine.statusCode, 400, tooFine.body);
  assert.equal(tooFine.json().error.parameter, 'step');
  assert.match(tooFine.json().error.message, /30 days the org's plan keeps that tier\); the finest step for this from is 1d/);
  assert.equal((await series('acme', NOW - 45 * DAY, '&step=1m')).statusCode, 400);
  assert.equal((await series('acme', NOW - 45 * DAY, '&step=auto')).json().step, '1d');
  assert.equal((await series('acme', NOW - 20 * DAY, '&step=auto')).json().step, '1h');
  assert.equal((await series('globex', NOW - 120 * DAY, '&step=1h')).statusCode, 400, 'pro keeps hour digests 90 days');
  assert.equal((await series('globex', NOW - 60 * DAY, '&step=1h')).statusCode, 200, 'within 90 days (and 1,500 buckets)');
  // Anomalies judge in the step the org's plan keeps too: a day 45 days back is minute rows on
  // enterprise (the default org) and only day rows on community.
  const anomalies = (org: string) =>
    app.inject({ method: 'GET', url: `/v1/orgs/${org}/anomalies?from=${NOW - 45 * DAY}&to=${NOW - 44 * DAY}`, headers: bearer('ops') });
  const enterpriseAnomalies = await anomalies('default');
  assert.equal(enterpriseAnomalies.statusCode, 200, enterpriseAnomalies.body);
  assert.equal(enterpriseAnomalies.json().step, '1m');
  assert.equal((await anomalies('acme')).json().step, '1d');
  const invocations = (org: string, from: number, to: number) =>
    app.inject({ method: 'GET', url: `/v1/orgs/${org}/invocations?from=${from}&to=${to}`, headers: bearer('ops') });
  const calls = await invocations('acme', NOW - 40 * DAY, NOW);
  assert.equal(calls.statusCode, 200, calls.body);
  assert.deepEqual(calls.json(), { items: [], next_cursor: null, truncated_before: NOW - 30 * DAY });
  const gone = await invocations('acme', NOW - 50 * DAY, NOW - 40 * DAY);
  assert.equal(gone.statusCode, 400);
  assert.equal(gone.json().error.parameter, 'from');
});
