// GET /v1/me: a key learns its own orgs and roles (never another key's, never
// a secret); a key for every org gets the orgs that have data.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, createTestApi, testKey, type TestApi } from '../testing/api-test-app.ts';

let api: TestApi;
let open: TestApi;
before(async () => {
  api = await createTestApi({
    apiKeys: [testKey('acme-audit', ['globex', 'acme'], ['audit', 'export']), testKey('ops', ['*'], ['admin']), testKey('prom', ['*'], ['metrics'])],
  });
  open = await createTestApi();
});
after(async () => {
  await api.close();
  await open.close();
});

const me = (a: TestApi, headers: Record<string, string> = {}) => a.app.inject({ method: 'GET', url: '/v1/me', headers });

test('a key sees its id, its orgs (sorted) and its roles; admin lists every role', async () => {
  const res = await me(api, bearer('acme-audit'));
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { auth: true, key_id: 'acme-audit', orgs: ['acme', 'globex'], all_orgs: false, roles: ['audit', 'export'] });
  assert.ok(!res.body.includes('secret'));
  assert.deepEqual((await me(api, bearer('ops'))).json().roles, ['metrics', 'audit', 'export', 'sql', 'admin']);
});

test('a key for every org gets the orgs with data; no key or a wrong one is 401', async () => {
  assert.deepEqual((await me(api, bearer('prom'))).json().orgs, []);
  // An org has data once the worker wrote its day totals (or its ledger state).
  await api.store.client.insert({ table: 'tool_totals_1d', values: [{ org: 'initech', workspace: 'w', plugin: 'p', tool: 't', day: '2026-01-01', source_partition: 0, chunk_start: 0, last_offset: 0, calls: 1 }], format: 'JSONEachRow' });
  const all = (await me(api, bearer('prom'))).json();
  assert.deepEqual(all.orgs, ['initech']);
  assert.equal(all.all_orgs, true);
  assert.equal((await me(api)).statusCode, 401);
  assert.equal((await me(api, { authorization: 'Bearer nope' })).statusCode, 401);
});

test('with auth off there is no key: every role, every org with data', async () => {
  const res = await me(open);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { auth: false, key_id: null, orgs: [], all_orgs: true, roles: ['metrics', 'audit', 'export', 'sql', 'admin'] });
});
