// Auth over every route the API registers (the list is read from the app, so
// routes added later — the ledger's — are covered without editing this file).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { routeAccess, orgSource } from './route-access.ts';
import { registeredRoutes } from '../route-registry.ts';
import { bearer, createTestApi, testKey, type TestApi } from '../testing/api-test-app.ts';

let api: TestApi;
before(async () => {
  api = await createTestApi({
    apiKeys: [
      testKey('acme-all', ['acme'], ['metrics', 'audit', 'export']),
      testKey('acme-audit', ['acme'], ['audit']),
      testKey('acme-metrics', ['acme'], ['metrics']),
      testKey('two-orgs', ['acme', 'globex'], ['audit']),
      testKey('prometheus', ['*'], ['metrics']),
      testKey('admin', ['*'], ['admin']),
      testKey('acme-payload', ['acme'], ['payload']),
      testKey('payload-all', ['*'], ['payload']),
    ],
  });
});
after(async () => {
  await api.close();
});

const get = (url: string, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url, headers });
const urlFor = (template: string, org: string) => {
  const path = template.replace(':org', org).replace(/:[A-Za-z_]+/g, '1');
  return template.includes(':org') ? path : `${path}${path.includes('?') ? '&' : '?'}org=${org}`;
};

function orgRoutes() {
  const routes = registeredRoutes(api.app).filter((r) => orgSource(r.url, r.schema) !== 'none');
  assert.ok(routes.length >= 4, 'the org routes are registered');
  return routes;
}

test('every non-public route answers 401 without a key or with a wrong one', async () => {
  for (const route of registeredRoutes(api.app)) {
    if (routeAccess(route.url, route.role as never) === 'public') continue;
    for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic YTpi' }]) {
      const res = await api.app.inject({ method: route.method as 'GET', url: urlFor(route.url, 'acme'), headers });
      assert.equal(res.statusCode, 401, `${route.method} ${route.url} ${JSON.stringify(headers)}`);
      assert.equal(res.json().error.code, 'UNAUTHORIZED');
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="mcpg"');
    }
  }
  for (const url of ['/healthz', '/readyz', '/openapi.json']) assert.equal((await get(url)).statusCode, 200, url);
});

test('org isolation on every org route: a key for acme gets 403 for globex and never globex data', async () => {
  for (const route of orgRoutes()) {
    // admin holds every role but payload, which is granted on its own.
    const owner = route.role === 'payload' ? 'payload-all' : 'admin';
    const own = await api.app.inject({ method: route.method as 'GET', url: urlFor(route.url, 'acme'), headers: bearer(owner) });
    assert.ok(own.statusCode !== 401 && own.statusCode !== 403, `${route.url}: ${own.statusCode}`);
    for (const key of ['acme-all', 'acme-audit', 'acme-metrics', 'acme-payload']) {
      const res = await api.app.inject({ method: route.method as 'GET', url: urlFor(route.url, 'globex'), headers: bearer(key) });
      assert.equal(res.statusCode, 403, `${key} on ${route.url} for globex`);
      assert.equal(res.json().error.code, 'FORBIDDEN');
    }
    // The same with the org spelled differently on the wire.
    const encoded = await api.app.inject({ method: 'GET', url: urlFor(route.url, 'glob%65x'), headers: bearer('acme-all') });
    assert.equal(encoded.statusCode, 403, `${route.url} percent-encoded`);
  }
});

test('roles: metrics, audit and export are separate; admin holds all', async () => {
  assert.equal((await get('/v1/orgs/acme/audit', bearer('acme-metrics'))).statusCode, 403);
  assert.equal((await get('/v1/orgs/acme/metrics', bearer('acme-audit'))).statusCode, 403);
  assert.equal((await get('/v1/orgs/acme/tokens', bearer('acme-audit'))).statusCode, 403);
  assert.equal((await get('/v1/orgs/acme/audit', bearer('acme-audit'))).statusCode, 200);
  assert.equal((await get('/v1/orgs/acme/audit?format=csv', bearer('acme-audit'))).statusCode, 403, 'CSV is an export');
  assert.equal((await get('/v1/orgs/acme/audit', { ...bearer('acme-audit'), accept: 'text/csv' })).statusCode, 403);
  assert.equal((await get('/api/v1/audit/tool-calls?format=csv', bearer('acme-audit'))).statusCode, 403);
  assert.equal((await get('/v1/orgs/acme/audit?format=csv', bearer('acme-all'))).statusCode, 200);
  assert.equal((await get('/v1/orgs/globex/audit', bearer('admin'))).statusCode, 200);
});

test('the Prometheus key reads every org\'s fleet endpoint and the API metrics, nothing else', async () => {
  for (const org of ['acme', 'globex']) assert.equal((await get(`/v1/orgs/${org}/metrics`, bearer('prometheus'))).statusCode, 200);
  assert.equal((await get('/api/v1/metrics', bearer('prometheus'))).statusCode, 200);
  assert.equal((await get('/v1/orgs/acme/audit', bearer('prometheus'))).statusCode, 403);
});

test('/api/v1/audit/tool-calls takes the org from a one-org key; a key for several orgs must name it', async () => {
  assert.equal((await get('/api/v1/audit/tool-calls', bearer('acme-audit'))).statusCode, 200);
  const several = await get('/api/v1/audit/tool-calls', bearer('two-orgs'));
  assert.equal(several.statusCode, 400);
  assert.equal(several.json().error.parameter, 'org');
  assert.equal((await get('/api/v1/audit/tool-calls?org=globex', bearer('two-orgs'))).statusCode, 200);
  assert.equal((await get('/api/v1/audit/tool-calls?org=initech', bearer('two-orgs'))).statusCode, 403);
});

test('secrets and key hashes never reach the metrics or error bodies', async () => {
  const res = await get('/api/v1/metrics', bearer('admin'));
  // Route templates are labels (/v1/admin/orgs/:org/plan): the key id must not appear anywhere else.
  const outsideRoutes = res.body.replace(/route="[^"]*"/g, '');
  assert.ok(!res.body.includes('secret') && !outsideRoutes.includes('admin'));
  const denied = await get('/v1/orgs/globex/audit', { authorization: 'Bearer acme-audit-secretX' });
  assert.ok(!denied.body.includes('secretX'));
});
