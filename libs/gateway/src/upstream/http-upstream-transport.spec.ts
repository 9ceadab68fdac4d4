import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, CallToolResultSchema, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { runWithTrace } from '../trace/outbound-trace.ts';
import { HttpUpstreamTransport } from './http-upstream-transport.ts';

// An SDK server in its default mode: stateful sessions, every answer an SSE stream.
function sseUpstream(seen: IncomingHttpHeaders[]): HttpServer {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  let current: ServerResponse | null = null;
  return createServer((req, res) => {
    seen.push(req.headers);
    current = res;
    const id = req.headers['mcp-session-id'];
    const known = typeof id === 'string' ? transports.get(id) : undefined;
    if (known) return void known.handleRequest(req, res);
    const server = new Server({ name: 'sse-upstream', version: '1' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [{ name: 'count', inputSchema: { type: 'object' as const } }] }));
    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const token = request.params._meta?.progressToken;
      for (let i = 1; i <= 2 && token !== undefined; i++) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: 2 } });
        // The SDK client handles a notification a microtask after a response in the same read: give it a moment.
        await new Promise((r) => setTimeout(r, 10));
      }
      if (request.params.name === 'hang-up') {
        current?.destroy();
        return new Promise(() => undefined);
      }
      return { content: [{ type: 'text', text: `called ${request.params.name}` }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (sid) => void transports.set(sid, transport) });
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
}

describe('HttpUpstreamTransport', () => {
  const seen: IncomingHttpHeaders[] = [];
  const http = sseUpstream(seen);
  let client: Client;

  before(async () => {
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
    const headers = { 'x-upstream-key': 'k-1' };
    client = new Client({ name: 'spec', version: '1' });
    await client.connect(new HttpUpstreamTransport(new StreamableHTTPClientTransport(url, { requestInit: { headers } }), { url, headers }));
  });

  after(async () => {
    await client.close();
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  });

  test('requests after initialize: SSE answers read, progress passed on, session and configured headers sent', async () => {
    const progress: number[] = [];
    const result = await client.request({ method: 'tools/call', params: { name: 'count', arguments: {} } }, CallToolResultSchema, { onprogress: (p) => progress.push(p.progress) });
    assert.deepEqual(result.content, [{ type: 'text', text: 'called count' }]);
    assert.deepEqual(progress, [1, 2]);
    assert.deepEqual((await client.listTools()).tools.map((t) => t.name), ['count']);
    const last = seen.at(-1)!;
    assert.equal(typeof last['mcp-session-id'], 'string');
    assert.equal(last['mcp-protocol-version'], '2025-11-25');
    assert.equal(last['x-upstream-key'], 'k-1');
  });

  test("the call's trace context goes out as traceparent", async () => {
    const trace = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), parentSpanId: null, flags: '01', tracestate: null };
    await runWithTrace(trace, () => client.callTool({ name: 'count', arguments: {} }));
    assert.equal(seen.at(-1)!.traceparent, `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`);
  });

  test('an answer stream that ends without the result fails the request at once (no waiting for the timeout)', async () => {
    await assert.rejects(
      // With progress, the answer stream is open (headers and two events out) when the connection drops.
      client.callTool({ name: 'hang-up', arguments: {} }, undefined, { timeout: 60_000, onprogress: () => undefined }),
      (e: unknown) => e instanceof McpError && /ended its answer without a result/.test(e.message),
    );
    assert.deepEqual((await client.callTool({ name: 'count', arguments: {} })).content, [{ type: 'text', text: 'called count' }]);
  });
});
