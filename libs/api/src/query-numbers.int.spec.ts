// Every numeric query parameter of every registered route (read from the
// route registry, so routes added later are covered): a blank or loosely
// written number is a 400 naming the parameter, never read as 0 (or 16, or
// Infinity) and answered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { registeredRoutes, type RegisteredRoute } from './route-registry.ts';
import { createTestApi, type TestApi } from './testing/api-test-app.ts';

let api: TestApi;
before(async () => {
  api = await createTestApi();
});
after(async () => {
  await api.close();
});

interface QuerySchema {
  properties?: Record<string, { type?: string | string[]; minimum?: number; enum?: unknown[] }>;
  required?: string[];
}

const querySchema = (route: RegisteredRoute): QuerySchema => (route.schema?.querystring ?? {}) as QuerySchema;
const isNumeric = (s: { type?: string | string[] } | undefined) => [s?.type ?? []].flat().some((t) => t === 'integer' || t === 'number');

/** A valid value for a parameter the request must carry besides the one under test. */
function validValue(route: RegisteredRoute, name: string): string {
  const s = querySchema(route).properties?.[name];
  if (name === 'org') return 'acme';
  if (isNumeric(s)) return String(s?.minimum ?? 1);
  return String(s?.enum?.[0] ?? 'x');
}

const BLANKS = [' ', '  ', '\t', '\r', '\n', ' \t\r\n'];
const LOOSE = [' 7', '7 ', '0x10', '0b1', '+1', '1_000', 'Infinity', '1e309'];

test('blank and loosely written numbers are refused with a 400 naming the parameter, on every route', async () => {
  const checked: string[] = [];
  for (const route of registeredRoutes(api.app)) {
    const schema = querySchema(route);
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (!isNumeric(property)) continue;
      checked.push(`${route.method} ${route.url} ${name}`);
      const others = (schema.required ?? []).filter((r) => r !== name);
      if (!route.url.includes(':org') && 'org' in (schema.properties ?? {}) && !others.includes('org')) others.push('org');
      const rest = others.map((r) => `&${r}=${encodeURIComponent(validValue(route, r))}`).join('');
      for (const value of [...BLANKS, ...LOOSE]) {
        const url = `${route.url.replace(':org', 'acme')}?${name}=${encodeURIComponent(value)}${rest}`;
        const res = await api.app.inject({ method: route.method as 'GET', url });
        const where = `${route.method} ${url}`;
        assert.equal(res.statusCode, 400, `${where}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        assert.equal(res.json().error.code, 'INVALID_PARAMETER', where);
        assert.equal(res.json().error.parameter, name, `${where}: ${res.json().error.message}`);
      }
    }
  }
  // The routes of today: a change that hides them from this test fails it.
  for (const expected of ['GET /v1/orgs/:org/audit limit', 'GET /api/v1/audit/tool-calls page', 'GET /v1/orgs/:org/audit/verify to_seq', 'GET /v1/orgs/:org/audit/checkpoints before_size', 'GET /v1/orgs/:org/audit/proofs/inclusion seq']) {
    assert.ok(checked.includes(expected), `${expected} checked (of ${checked.join('; ')})`);
  }
});

test('plain decimal numbers still pass, and a blank is refused where it was once read as seq 0', async () => {
  const ok = await api.app.inject({ method: 'GET', url: '/v1/orgs/acme/audit?limit=05' });
  assert.equal(ok.statusCode, 200);
  const blank = await api.app.inject({ method: 'GET', url: '/v1/orgs/acme/audit/verify?from_seq=0&to_seq=%20' });
  assert.equal(blank.statusCode, 400);
  assert.match(blank.json().error.message, /to_seq must be a number, not blank/);
});
