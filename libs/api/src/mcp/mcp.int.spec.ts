// The MCP endpoint driven by the SDK's own client over Streamable HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
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
  assert.deepEqual(names, ['search_audit', 'tool_metrics', 'token_usage', 'tool_activity', 'find_anomalies', 'list_invocations', 'call_trace', ...(ledger ? ['verify_ledger'] : [])]);
  const trace = tools.find((t) => t.name === 'call_trace')!;
  assert.deepEqual(trace.inputSchema.required, ['org', 'event_id']);
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
  const from = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000).toISOString();
  const activity = await client.callTool({ name: 'tool_activity', arguments: { org: 'acme', from, to: new Date(Date.parse(from) + 3_600_000).toISOString(), step: '1m', metrics: 'calls,p99' } });
  assert.equal(activity.isError, undefined, JSON.stringify(activity.content));
  assert.equal((activity.structuredContent as { t: number[] }).t.length, 60);
  // A step outside the advertised enum never reaches the route: invalid params naming it.
  await assert.rejects(client.callTool({ name: 'tool_activity', arguments: { org: 'acme', step: '2m' } }), (e: { code?: number; data?: { parameter?: string } }) => e.code === -32602 && e.data?.parameter === 'step');
  // One the schema allows but the route refuses (finer than kept that far back) is the route's 400.
  const tooFine = await client.callTool({ name: 'tool_activity', arguments: { org: 'acme', from: new Date(Date.now() - 100 * 86_400_000).toISOString(), to: new Date(Date.now() - 99 * 86_400_000).toISOString(), step: '1m' } });
  assert.equal(tooFine.isError, true);
  assert.match(JSON.stringify(tooFine.content), /step/);
  const missing = await client.callTool({ name: 'call_trace', arguments: { org: 'acme', event_id: 'no-such-call' } });
  assert.equal(missing.isError, true);
  assert.match(JSON.stringify(missing.content), /NOT_FOUND/);

  const other = await client.callTool({ name: 'search_audit', arguments: { org: 'globex' } });
  assert.equal(other.isError, true);
  assert.match(JSON.stringify(other.content), /FORBIDDEN/);
  // Fits the advertised schema, but no such day: the route's own 400 comes back as a tool error.
  const invalid = await client.callTool({ name: 'search_audit', arguments: { org: 'acme', from: '2026-02-30' } });
  assert.equal(invalid.isError, true);
  assert.match(JSON.stringify(invalid.content), /INVALID_PARAMETER/);
  await client.close();

  const auditOnly = await connect('audit-only');
  const denied = await auditOnly.callTool({ name: 'token_usage', arguments: { org: 'acme' } });
  assert.equal(denied.isError, true, 'a tool needs the role of its route');
  const noSeries = await auditOnly.callTool({ name: 'tool_activity', arguments: { org: 'acme' } });
  assert.match(JSON.stringify(noSeries.content), /FORBIDDEN/, 'series need the metrics role');
  const trace = await auditOnly.callTool({ name: 'call_trace', arguments: { org: 'acme', event_id: 'no-such-call' } });
  assert.match(JSON.stringify(trace.content), /NOT_FOUND/, 'the call trace needs the audit role, which this key has');
  await auditOnly.close();
});

test('no key, no session: 401 before any MCP message is read', async () => {
  await assert.rejects(connect('nobody'));
  const res = await fetch(`${base}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
  assert.equal(res.status, 401);
});

/** The JSON-RPC error a call was answered with (a call that succeeds fails the test). */
async function rpcError(p: Promise<unknown>): Promise<McpError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof McpError, `expected an MCP error, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to be refused');
}

async function assertInvalidArgument(client: Client, name: string, args: Record<string, unknown>, argument: string): Promise<void> {
  const e = await rpcError(client.callTool({ name, arguments: args }));
  const where = `${name} ${JSON.stringify(args).slice(0, 120)}`;
  assert.equal(e.code, -32602, `${where}: ${e.message}`);
  assert.deepEqual(e.data, { code: 'INVALID_PARAMETER', parameter: argument }, `${where}: ${e.message}`);
  assert.match(e.message, new RegExp(`\\bargument ${argument}\\b`), where);
}

/** Requests the audit search route has answered (the API's own metrics count in-process requests too). */
async function auditRouteRequests(): Promise<number> {
  const text = await (await fetch(`${base}/api/v1/metrics`, { headers: bearer('agent') })).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('http_requests_total{') && l.includes('route="/v1/orgs/:org/audit"'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

test('arguments outside the advertised input schema are invalid params (-32602) naming the argument, before any query runs', async () => {
  const client = await connect('agent');
  const before = await auditRouteRequests();
  // format=csv is no input of search_audit: once, it pulled the org's whole CSV export into memory and failed parsing it as JSON.
  await assertInvalidArgument(client, 'search_audit', { org: 'acme', format: 'csv' }, 'format');
  // An object where a string belongs: once "Cannot convert object to primitive value".
  await assertInvalidArgument(client, 'search_audit', { org: 'acme', q: { $ne: 1 } }, 'q');
  await assertInvalidArgument(client, 'search_audit', { org: 'acme', limit: ' ' }, 'limit');
  await assertInvalidArgument(client, 'search_audit', { org: 'acme', limit: 2.5 }, 'limit');
  await assertInvalidArgument(client, 'search_audit', { outcome: 'error' }, 'org');
  await assertInvalidArgument(client, 'tool_metrics', { org: 'acme', top: 0 }, 'top');
  await assertInvalidArgument(client, 'token_usage', { org: 'acme', group_by: 'model' }, 'group_by');

  // Every tool, every input: an unknown argument, and an object in place of each declared one.
  const { tools } = await client.listTools();
  for (const tool of tools) {
    const required = Object.fromEntries((tool.inputSchema.required ?? []).map((name) => [name, 'acme']));
    await assertInvalidArgument(client, tool.name, { ...required, no_such_input: 1 }, 'no_such_input');
    for (const name of Object.keys(tool.inputSchema.properties ?? {})) {
      await assertInvalidArgument(client, tool.name, { ...required, [name]: { nested: ['x'] } }, name);
    }
  }

  const unknown = await rpcError(client.callTool({ name: 'drop_tables', arguments: {} }));
  assert.equal(unknown.code, -32602);
  assert.match(unknown.message, /unknown tool "drop_tables"/);
  // None of them reached a route; a valid call does (the count can move).
  assert.equal(await auditRouteRequests(), before, 'no audit request was served for refused calls');
  await client.callTool({ name: 'search_audit', arguments: { org: 'acme', limit: 1 } });
  assert.equal(await auditRouteRequests(), before + 1);
  await client.close();
});
