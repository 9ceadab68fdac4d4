// The MCP endpoint driven by the SDK's own client over Streamable HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { insertAuditFixtures } from '@mcpg/store/testing';
import { registeredRoutes } from '../route-registry.ts';
import { bearer, createTestApi, testKey, type TestApi } from '../testing/api-test-app.ts';

let api: TestApi;
let base: string;
before(async () => {
  api = await createTestApi({ apiKeys: [testKey('agent', ['acme'], ['audit', 'metrics']), testKey('audit-only', ['acme'], ['audit'])] });
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(api.app.server.address() as { port: number }).port}`;
  const T = Date.now() - 3_600_000;
  await insertAuditFixtures(api.store, [
    { org: 'acme', seq: 0, occurredAtMs: T, resource: 'github__create_pr', outcome: 'error', error: 'rate_limit_exceeded', workspace: 'prod' },
    { org: 'acme', seq: 1, occurredAtMs: T + 1000, resource: 'slack__post', outcome: 'ok', workspace: 'prod' },
    { org: 'globex', seq: 0, occurredAtMs: T, resource: 'github__create_pr', outcome: 'error', error: 'rate_limit_exceeded' },
  ]);
});
after(async () => {
  await api.close();
});

async function connect(key: string): Promise<Client> {
  const client = new Client({ name: 'mcpg-test', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: bearer(key) } }));
  return client;
}

test('lists the API tools with the routes\' parameters as input schemas', async () => {
  const client = await connect('agent');
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  // verify_ledger is offered exactly when the API serves the ledger's verify route.
  const ledger = registeredRoutes(api.app).some((r) => r.method === 'GET' && r.url === '/v1/orgs/:org/audit/verify');
  assert.deepEqual(names, ['search_audit', 'tool_metrics', 'token_usage', ...(ledger ? ['verify_ledger'] : [])]);
  if (ledger) {
    const verify = tools.find((t) => t.name === 'verify_ledger')!;
    assert.deepEqual(verify.inputSchema.required, ['org']);
    assert.ok('from_seq' in (verify.inputSchema.properties ?? {}) && 'to_seq' in (verify.inputSchema.properties ?? {}));
    const other = await client.callTool({ name: 'verify_ledger', arguments: { org: 'globex' } });
    assert.equal(other.isError, true);
    assert.match(JSON.stringify(other.content), /FORBIDDEN/);
  }
  const search = tools.find((t) => t.name === 'search_audit')!;
  assert.deepEqual(search.inputSchema.required, ['org']);
  assert.ok(['q', 'outcome', 'workspace', 'cursor', 'limit'].every((p) => p in (search.inputSchema.properties ?? {})));
  assert.ok(!('format' in (search.inputSchema.properties ?? {})));
  await client.close();
});

test('tools answer with the API\'s data, scoped like the key', async () => {
  const client = await connect('agent');
  const found = await client.callTool({ name: 'search_audit', arguments: { org: 'acme', outcome: 'error', workspace: 'prod', q: 'rate limit' } });
  assert.equal(found.isError, undefined);
  const result = found.structuredContent as { items: { resource: string; error: string }[]; next_cursor: null };
  assert.deepEqual(result.items.map((i) => [i.resource, i.error]), [['github__create_pr', 'rate_limit_exceeded']]);
  const tokens = await client.callTool({ name: 'token_usage', arguments: { org: 'acme', group_by: 'tool', interval: 'day' } });
  assert.deepEqual((tokens.structuredContent as { totals: unknown }).totals, { input: 0, output: 0, total: 0 });
  const metrics = await client.callTool({ name: 'tool_metrics', arguments: { org: 'acme', workspace: 'prod' } });
  assert.deepEqual(metrics.structuredContent, { tools: [], tools_total: 0 });

  const other = await client.callTool({ name: 'search_audit', arguments: { org: 'globex' } });
  assert.equal(other.isError, true);
  assert.match(JSON.stringify(other.content), /FORBIDDEN/);
  const invalid = await client.callTool({ name: 'search_audit', arguments: { org: 'acme', from: 'yesterday' } });
  assert.equal(invalid.isError, true);
  assert.match(JSON.stringify(invalid.content), /INVALID_PARAMETER/);
  await client.close();

  const auditOnly = await connect('audit-only');
  const denied = await auditOnly.callTool({ name: 'token_usage', arguments: { org: 'acme' } });
  assert.equal(denied.isError, true, 'a tool needs the role of its route');
  await auditOnly.close();
});

test('no key, no session: 401 before any MCP message is read', async () => {
  await assert.rejects(connect('nobody'));
  const res = await fetch(`${base}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
  assert.equal(res.status, 401);
});
