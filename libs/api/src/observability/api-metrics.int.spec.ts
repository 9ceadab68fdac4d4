import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApi, type TestApi } from '../testing/api-test-app.ts';

let api: TestApi;
before(async () => {
  api = await createTestApi();
});
after(async () => {
  await api.close();
});

const sample = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

test('GET /api/v1/metrics: requests by method, normalised route and status; latency; ClickHouse calls', async () => {
  await api.app.inject({ method: 'GET', url: '/v1/orgs/acme/audit?limit=5' });
  await api.app.inject({ method: 'GET', url: '/v1/orgs/globex/audit?limit=abc' });
  await api.app.inject({ method: 'GET', url: '/v1/orgs/acme/nothing/123e4567-e89b-12d3-a456-426614174000' });
  await api.app.inject({ method: 'GET', url: '/no/such/path/42' });
  const res = await api.app.inject({ method: 'GET', url: '/api/v1/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const requests = sample(res.body, 'http_requests_total{');
  assert.ok(requests.includes('http_requests_total{method="GET",route="/v1/orgs/:org/audit",status="200"} 1'), requests.join('\n'));
  assert.ok(requests.includes('http_requests_total{method="GET",route="/v1/orgs/:org/audit",status="400"} 1'));
  assert.ok(requests.includes('http_requests_total{method="GET",route="__unmatched__",status="404"} 2'), 'unknown paths share one label value');
  assert.ok(!res.body.includes('acme') && !res.body.includes('123e4567'), 'no org names or ids in labels');
  assert.ok(sample(res.body, 'http_request_duration_seconds_bucket{').length > 0);
  assert.ok(sample(res.body, 'http_active_connections').length > 0);
  assert.ok(sample(res.body, 'clickhouse_query_duration_seconds_count{operation="query",outcome="ok"}').length === 1);
});

test('GET /openapi.json: every route with its parameters and answers', async () => {
  const res = await api.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.equal(doc.openapi, '3.1.0');
  for (const path of ['/v1/orgs/{org}/audit', '/api/v1/audit/tool-calls', '/v1/orgs/{org}/tokens', '/v1/orgs/{org}/metrics', '/api/v1/metrics', '/healthz', '/readyz']) {
    assert.ok(doc.paths[path]?.get, path);
  }
  const audit = doc.paths['/v1/orgs/{org}/audit'].get;
  const names = audit.parameters.map((p: { name: string }) => p.name).sort();
  assert.deepEqual(names, ['action_prefix', 'actor', 'cursor', 'format', 'from', 'instance', 'limit', 'org', 'outcome', 'q', 'to', 'workspace']);
  assert.deepEqual(Object.keys(audit.responses).sort(), ['200', '400', '500', '503']);
  assert.ok(audit.responses['200'].content['text/csv; charset=utf-8; header=present']);
});
