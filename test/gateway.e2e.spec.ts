// End to end: the SDK's own client → the gateway → the fixture upstream (as a
// stdio command and over Streamable HTTP), with events read back from a real
// Kafka broker. Covers listing, forwarding, policy, upstream errors, a crash
// and restart, a timeout, bad input, masking in every event, trace context
// from the client to the upstream and to the consumer, and local metrics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { createKafkaBus } from '@mcpg/bus';
import { FAST_RETRY, uniqueName } from '@mcpg/bus/testing';
import type { AuditEvent, ToolCallEvent } from '@mcpg/events';
import type { Bus } from '@mcpg/pipeline';
import { EventCollector } from './fixtures/event-collector.ts';
import { connectClient, KEYS, sessionPostHeaders, startHttpUpstream, startTestGateway, stdioUpstream, type Harness } from './fixtures/gateway-harness.ts';
import { LEAKED_SECRETS } from './fixtures/mcp-upstream.ts';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

async function rpcError(p: Promise<unknown>): Promise<McpError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof McpError, `expected an MCP error, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

const textOf = (r: unknown) => ((r as { content: Array<{ text?: string }> }).content[0]?.text ?? '');

describe('gateway end to end', () => {
  let bus: Bus;
  let web: Awaited<ReturnType<typeof startHttpUpstream>>;
  let h: Harness;
  let client: Client;
  let intern: Client;
  let events: EventCollector;
  const topics = { calls: uniqueName('gw-calls'), audit: uniqueName('gw-audit') };

  before(async () => {
    bus = createKafkaBus({ brokers, clientId: 'gateway-e2e', retry: FAST_RETRY, logLevel: 'nothing' });
    web = await startHttpUpstream();
    h = await startTestGateway(
      {
        upstreams: [stdioUpstream('fx', { timeoutMs: 1_500 }), { name: 'web', url: web.url, timeoutMs: 5_000 }],
        policy: {
          default: 'permit',
          rules: [
            { id: 'no-destructive', effect: 'deny', tools: ['*__delete_*'], reason: 'destructive tools are blocked' },
            { id: 'intern-no-web', effect: 'deny', servers: ['web'], actors: ['user:*'], reason: 'people use web tools through the portal' },
            { id: 'redact-leak', effect: 'permit', tools: ['fx__leak'], obligations: { redactResponse: true } },
            { id: 'cap-web-echo', effect: 'permit', tools: ['web__echo'], obligations: { maxResponseBytes: 80 } },
          ],
        },
        limits: { maxArgumentBytes: 2_048 },
        kafka: { brokers, topics },
      },
      { bus, sendRetry: { initialMs: 50, maxMs: 500 } },
    );
    client = await connectClient(h.gateway.url, KEYS.acme.key);
    intern = await connectClient(h.gateway.url, KEYS.intern.key);
  });

  after(async () => {
    await client?.close();
    await intern?.close();
    await events?.stop();
    await h?.stop();
    await web?.stop();
    await bus?.close();
  });

  test('tools of every upstream are listed as server__tool; resources and prompts pass through', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const n of ['fx__echo', 'fx__crash', 'web__echo', 'web__add']) assert.ok(names.includes(n), `${n} listed`);
    assert.equal(tools.find((t) => t.name === 'fx__add')?.description, 'Adds a and b');

    const { resources } = await client.listResources();
    assert.ok(resources.some((r) => r.uri === 'fixture://readme'));
    const read = await client.readResource({ uri: 'fixture://readme' });
    assert.equal((read.contents[0] as { text: string }).text, 'fixture readme');
    const { prompts } = await client.listPrompts();
    assert.ok(prompts.some((p) => p.name === 'fx__greet') && prompts.some((p) => p.name === 'web__greet'));
    const prompt = await client.getPrompt({ name: 'web__greet' });
    assert.equal((prompt.messages[0]?.content as { text: string }).text, 'hello from greet');
  });

  test('calls are forwarded with arguments and results intact', async () => {
    const args = { text: 'héllo ✓', nested: { list: [1, 2.5, null, 'x'], flag: true } };
    assert.deepEqual(JSON.parse(textOf(await client.callTool({ name: 'fx__echo', arguments: args }))), args);
    const sum = await client.callTool({ name: 'web__add', arguments: { a: 2, b: 40 } });
    assert.deepEqual(sum.structuredContent, { sum: 42 });
    assert.equal(textOf(sum), '42');
  });

  test('a denied call gets a clear MCP error and never reaches the upstream', async () => {
    const e = await rpcError(client.callTool({ name: 'fx__delete_repo', arguments: { repo: 'acme/site' } }));
    assert.equal(e.code, -32011);
    assert.match(e.message, /fx__delete_repo denied by policy: destructive tools are blocked/);
    assert.deepEqual(e.data, { code: 'POLICY_DENIED', rule: 'no-destructive' });
    const byActor = await rpcError(intern.callTool({ name: 'web__add', arguments: { a: 1, b: 2 } }));
    assert.equal((byActor.data as { rule: string }).rule, 'intern-no-web');
    const seen = JSON.parse(textOf(await client.callTool({ name: 'fx__seen', arguments: {} }))) as string[];
    assert.ok(!seen.includes('delete_repo'), `upstream saw: ${seen.join(', ')}`);
  });

  test('obligations: a response capped in size, a response redacted', async () => {
    const long = 'x'.repeat(500);
    const capped = textOf(await client.callTool({ name: 'web__echo', arguments: { text: long } }));
    assert.ok(Buffer.byteLength(capped) <= 80, `capped to ${Buffer.byteLength(capped)} bytes`);
    assert.match(capped, /TRUNCATED/);
    const leak = textOf(await client.callTool({ name: 'fx__leak', arguments: {} }));
    for (const secret of Object.values(LEAKED_SECRETS)) assert.ok(!leak.includes(secret), 'redacted for the client');
    assert.match(leak, /\[REDACTED:/);
  });

  test('progress of a call is passed on to the client while it runs', async () => {
    const seen: Array<{ progress: number; total?: number; message?: string }> = [];
    const r = await client.callTool({ name: 'fx__progress', arguments: {} }, undefined, { onprogress: (p) => seen.push(p) });
    assert.equal(textOf(r), 'progressed');
    assert.deepEqual(seen.map((p) => [p.progress, p.total, p.message]), [[1, 3, 'step 1'], [2, 3, 'step 2'], [3, 3, 'step 3']]);
  });

  test('in a session, a plain call is answered as JSON and a call with progress as an SSE stream; bad requests get Streamable HTTP errors', async () => {
    const session = (client.transport as StreamableHTTPClientTransport).sessionId!;
    const headers = sessionPostHeaders(KEYS.acme.key, session);
    const post = (body: unknown, extra: Record<string, string> = {}) =>
      fetch(h.gateway.url, { method: 'POST', headers: { ...headers, ...extra }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const call = (id: string, name: string, args: unknown, meta?: unknown) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) } });

    const plain = await post(call('raw-1', 'fx__add', { a: 1, b: 2 }));
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('content-type'), 'application/json');
    assert.equal(plain.headers.get('mcp-session-id'), session);
    assert.deepEqual(await plain.json(), { jsonrpc: '2.0', id: 'raw-1', result: { content: [{ type: 'text', text: '3' }], structuredContent: { sum: 3 } } });

    const refused = (await (await post(call('raw-2', 'fx__missing', {}))).json()) as { id: string; error: { data: { code: string } } };
    assert.equal(refused.id, 'raw-2');
    assert.equal(refused.error.data.code, 'UNKNOWN_TOOL');

    const progressed = await post(call('raw-3', 'fx__progress', {}, { progressToken: 'tok-1' }));
    assert.equal(progressed.headers.get('content-type'), 'text/event-stream');
    const messages = (await progressed.text())
      .split('\n\n')
      .filter((e) => e.startsWith('event: message\n'))
      .map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)) as { method?: string; id?: string; params?: { progressToken: string; progress: number } });
    assert.deepEqual(
      messages.map((m) => (m.method ? `${m.method} ${m.params!.progressToken} ${m.params!.progress}` : `answer ${m.id}`)),
      ['notifications/progress tok-1 1', 'notifications/progress tok-1 2', 'notifications/progress tok-1 3', 'answer raw-3'],
    );

    const malformed = await post('{"jsonrpc":"2.0","id":"raw-4","method":');
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: number } }).error.code, -32700);
    assert.equal((await post(call('raw-5', 'fx__add', { a: 1, b: 1 }), { 'mcp-protocol-version': '1999-01-01' })).status, 400);
    assert.equal((await post(call('raw-6', 'fx__add', { a: 1, b: 1 }), { accept: 'application/json' })).status, 406);
    assert.equal((await post(call('raw-7', 'fx__add', { a: 1, b: 1 }), { 'content-type': 'text/plain' })).status, 415);
    const tooBig = await post(call('raw-8', 'fx__echo', { text: 'z'.repeat(4 * 1024 * 1024) }));
    assert.equal(tooBig.status, 413);
    // A batch still goes through the SDK's transport, both answers on one stream.
    const batch = await (await post([call('raw-9', 'fx__add', { a: 2, b: 2 }), call('raw-10', 'fx__add', { a: 3, b: 3 })])).text();
    assert.match(batch, /"id":"raw-9"/);
    assert.match(batch, /"id":"raw-10"/);
    // The session is still good for its own client afterwards.
    assert.equal(textOf(await client.callTool({ name: 'fx__add', arguments: { a: 5, b: 5 } })), '10');
  });

  test('upstream errors reach the client as the upstream sent them', async () => {
    const failed = await client.callTool({ name: 'fx__fail', arguments: {} });
    assert.equal(failed.isError, true);
    assert.equal(textOf(failed), 'the repository is archived');
    const e = await rpcError(client.callTool({ name: 'fx__explode', arguments: {} }));
    assert.equal(e.code, -32099);
    assert.match(e.message, /backend refused/);
  });

  test('a slow upstream hits its timeout: an MCP timeout error', async () => {
    const e = await rpcError(client.callTool({ name: 'fx__slow', arguments: { ms: 10_000 } }, undefined, { timeout: 20_000 }));
    assert.equal(e.code, -32001);
    assert.equal((e.data as { code: string }).code, 'UPSTREAM_TIMEOUT');
  });

  test('an upstream that crashes mid-call gives an MCP error and is restarted', async () => {
    const e = await rpcError(client.callTool({ name: 'fx__crash', arguments: {} }));
    assert.equal((e.data as { code: string }).code, 'UPSTREAM_CRASHED');
    const until = Date.now() + 20_000;
    while (h.gateway.upstreamStatus().fx !== 'up') {
      assert.ok(Date.now() < until, 'fx restarted');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(textOf(await client.callTool({ name: 'fx__add', arguments: { a: 1, b: 1 } })), '2');
  });

  test('bad input: unknown tool, oversized arguments, malformed JSON-RPC, no API key', async () => {
    const unknown = await rpcError(client.callTool({ name: 'fx__nope', arguments: {} }));
    assert.equal(unknown.code, -32602);
    assert.equal((unknown.data as { code: string }).code, 'UNKNOWN_TOOL');
    const noServer = await rpcError(client.callTool({ name: 'plain-name', arguments: {} }));
    assert.equal((noServer.data as { code: string }).code, 'UNKNOWN_TOOL');

    const big = await rpcError(client.callTool({ name: 'fx__echo', arguments: { text: 'y'.repeat(5_000) } }));
    assert.equal(big.code, -32602);
    assert.match(big.message, /limits\.maxArgumentBytes/);

    const headers = { authorization: `Bearer ${KEYS.acme.key}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const malformed = await fetch(h.gateway.url, { method: 'POST', headers, body: '{"jsonrpc":"2.0","id":1,"method":' });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: { code: number } }).error.code, -32700);
    const notRpc = await fetch(h.gateway.url, { method: 'POST', headers, body: '{"hello":"world"}' });
    assert.equal(notRpc.status, 400);

    const anonymous = await fetch(h.gateway.url, { method: 'POST', headers: { ...headers, authorization: 'Bearer wrong-key' }, body: '{}' });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { data: { code: string } } }).error.data.code, 'UNAUTHENTICATED');
  });

  test('trace context: from the client to the upstream (header and _meta) and into the events', async () => {
    const traced = await connectClient(h.gateway.url, KEYS.globex.key, { traceparent: TRACEPARENT });
    try {
      const viaHttp = JSON.parse(textOf(await traced.callTool({ name: 'web__trace', arguments: {} }))) as { header: string; meta: string };
      assert.equal(viaHttp.header.split('-')[1], TRACE_ID, 'HTTP upstream got the trace in its traceparent header');
      assert.notEqual(viaHttp.header.split('-')[2], '00f067aa0ba902b7', "the gateway's own span is the upstream's parent");
      const viaMeta = JSON.parse(
        textOf(await client.callTool({ name: 'fx__trace', arguments: {}, _meta: { traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` } })),
      ) as { meta: string };
      assert.equal(viaMeta.meta.split('-')[1], 'ab'.repeat(16), 'stdio upstream got the trace in _meta');
    } finally {
      await (traced.transport as StreamableHTTPClientTransport).terminateSession();
      await traced.close();
    }
  });

  test('events: one call and one audit event per call, masked, keyed by org, trace context in the headers', async () => {
    await h.gateway.eventsDelivered();
    events = await EventCollector.start(bus, [topics.calls, topics.audit]);
    await events.waitFor('the trace call events', () => events.calls().some((c) => c.tool === 'trace' && c.plugin === 'web') && events.audits().some((a) => a.action === 'plugin.crashed'));
    await h.gateway.eventsDelivered();
    await new Promise((r) => setTimeout(r, 500));
    const calls = events.calls();
    const audits = events.audits();

    // Exactly one audit event per call event, with the derived id.
    const ids = new Set(calls.map((c) => c.event_id));
    assert.equal(ids.size, calls.length, 'call event ids are unique');
    for (const c of calls) assert.equal(audits.filter((a) => a.event_id === `${c.event_id}:audit`).length, 1, `one audit event for ${c.tool}`);

    const one = (pred: (c: ToolCallEvent) => boolean, what: string) => {
      const found = calls.filter(pred);
      assert.equal(found.length, 1, what);
      return found[0]!;
    };
    const echo = one((c) => c.tool === 'echo' && c.plugin === 'fx' && c.outcome === 'ok', 'the echo call');
    assert.equal(echo.org, 'acme');
    assert.equal(echo.workspace, 'research');
    assert.equal(echo.actor, 'agent:triage');
    assert.equal(echo.instance, 'gw-test');
    assert.ok(echo.tokens_in > 5 && echo.tokens_out > 5, `tokens ${echo.tokens_in}/${echo.tokens_out}`);
    const denied = one((c) => c.tool === 'delete_repo', 'the denied call');
    assert.equal(denied.outcome, 'denied');
    assert.equal(denied.policy_decision, 'deny');
    assert.equal(denied.policy_rule_id, 'no-destructive');
    const deniedAudit = audits.find((a) => a.event_id === `${denied.event_id}:audit`)!;
    assert.equal(deniedAudit.action, 'policy.deny');
    assert.equal(deniedAudit.decision, 'deny');
    assert.equal(one((c) => c.tool === 'leak', 'leak').policy_decision, 'permit_with_obligations');
    assert.equal(one((c) => c.tool === 'slow', 'slow').outcome, 'timeout');
    const crash = one((c) => c.tool === 'crash', 'crash');
    assert.equal(crash.error_code, 'UPSTREAM_CRASHED');
    assert.equal(one((c) => c.tool === 'explode', 'explode').error_code, 'UPSTREAM_ERROR');
    assert.equal(one((c) => c.tool === 'fail', 'fail').error_code, 'TOOL_ERROR');
    assert.equal(one((c) => c.tool === 'echo' && c.outcome === 'error', 'oversized').error_code, 'ARGUMENTS_TOO_LARGE');

    // Lifecycle: fx crashed and started again, under the owner org.
    const lifecycle = audits.filter((a) => a.resource === 'fx' && a.action.startsWith('plugin.')).map((a) => a.action);
    assert.deepEqual(lifecycle.slice(0, 3), ['plugin.started', 'plugin.crashed', 'plugin.started']);
    // A request with an unknown key is refused and audited, without the key.
    const refused = audits.find((a) => a.action === 'auth.denied')!;
    assert.equal(refused.org, 'default');
    assert.equal(refused.decision, 'deny');
    assert.equal(refused.error, 'unknown API key');
    // A call to an unknown tool is a call: a call event under bounded labels, and an audit event with the name sent.
    const unknown = audits.find((a) => a.resource === 'fx__nope')!;
    assert.equal(unknown.action, 'tool.call');
    assert.equal(unknown.decision, 'permit');
    assert.equal(unknown.outcome, 'error');
    const unknownCall = calls.find((c) => `${c.event_id}:audit` === unknown.event_id)!;
    assert.deepEqual([unknownCall.plugin, unknownCall.tool, unknownCall.error_code], ['fx', '__unknown__', 'UNKNOWN_TOOL']);
    const noServer = calls.find((c) => `${c.event_id}:audit` === audits.find((a) => a.resource === 'plain-name')!.event_id)!;
    assert.deepEqual([noServer.plugin, noServer.tool], ['__unknown__', '__unknown__']);

    // Key = org; the trace: the consumer sees the client's trace id in the headers and the event.
    for (const s of events.seen) assert.equal(s.key, s.event.org);
    const tracedCall = events.seen.find((s) => s.kind === 'call' && (s.event as ToolCallEvent).tool === 'trace' && s.event.org === 'globex')!;
    assert.equal(tracedCall.headers.traceparent?.split('-')[1], TRACE_ID);
    assert.equal((tracedCall.event as ToolCallEvent).trace_id, TRACE_ID);
    assert.equal(tracedCall.headers.traceparent?.split('-')[2], (tracedCall.event as ToolCallEvent).span_id);

    // No secret anywhere: not in any field of any event, nor in the raw bytes.
    const secrets = [...Object.values(LEAKED_SECRETS), KEYS.acme.key, KEYS.intern.key, KEYS.globex.key, 'wrong-key'];
    for (const s of events.seen) {
      const raw = s.value.toString('latin1');
      for (const secret of secrets) assert.ok(!raw.includes(secret), `${secret.slice(0, 4)}… in a ${s.kind} event`);
    }
    const leakAudit = audits.find((a) => a.resource === 'fx__leak')!;
    assert.match(leakAudit.response ?? '', /\[REDACTED:github_token\]/);
    const explodeAudit = audits.find((a) => a.resource === 'fx__explode')! as AuditEvent;
    assert.match(explodeAudit.error ?? '', /backend refused: token=\[REDACTED/);
  });

  test('local metrics: latency histogram, calls and errors by status, upstream status, sessions, outbox', async () => {
    const text = await (await fetch(h.gateway.metricsUrl!)).text();
    assert.match(text, /tool_calls_total\{server="fx",tool="echo",status="ok"\} [1-9]/);
    assert.match(text, /tool_errors_total\{server="fx",tool="delete_repo",status="denied"\} 1/);
    assert.match(text, /tool_errors_total\{server="fx",tool="slow",status="timeout"\} 1/);
    assert.match(text, /tool_latency_seconds_bucket\{le="[^"]+",server="web",tool="add"\} [1-9]/);
    assert.match(text, /server_status\{server="fx"\} 1/);
    assert.match(text, /server_status\{server="web"\} 1/);
    assert.match(text, /active_sessions\{transport="http"\} 2/);
    assert.match(text, /event_queue_depth 0/);
    assert.match(text, /event_spool_bytes 0/);
    assert.doesNotMatch(text, new RegExp(`${LEAKED_SECRETS.github}|${KEYS.acme.key}`));
  });

  test('probes on the metrics port: /healthz alive, /readyz ready with every upstream\'s status', async () => {
    const base = h.gateway.metricsUrl!.replace(/\/metrics$/, '');
    assert.deepEqual(await (await fetch(`${base}/healthz`)).json(), { status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ok', upstreams: h.gateway.upstreamStatus() });
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  });
});
