// End to end tracing on real parts: the SDK's MCP client with a traceparent →
// the gateway → the fixture upstream, its events through a real Kafka broker →
// the rollup worker → the embedded ClickHouse engine, with the spans exported
// over OTLP/HTTP protobuf to receivers started here (they decode what they
// get). One call must be one trace with real parent links from the client's
// span to the ClickHouse insert. Then the exporter is switched at runtime,
// by the watched config file and by the admin endpoint, while calls go on:
// every span reaches exactly one receiver, the right one; a bad
// configuration is refused and the old exporter keeps receiving.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { buildApi, hashSecret, type ApiKey } from '@mcpg/api';
import { createKafkaBus } from '@mcpg/bus';
import { FAST_RETRY, uniqueName } from '@mcpg/bus/testing';
import type { Bus } from '@mcpg/pipeline';
import { createStore, migrate, type Store } from '@mcpg/store';
import { silentLogger, startTracing, loadTracingConfigFile, watchTracingConfig, type Tracing, type TracingConfigWatch } from '@mcpg/telemetry';
import { startRollupWorker, type RunningWorker } from '@mcpg/workers';
import { connectClient, KEYS, startTestGateway, stdioUpstream, type Harness } from './fixtures/gateway-harness.ts';
import { SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver.ts';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const run = randomBytes(4).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'mcpg-tracing-'));
const configFile = join(dir, 'tracing.yaml');
const ADMIN_SECRET = `admin-${run}`;
const METRICS_SECRET = `metrics-${run}`;
const apiKeys: ApiKey[] = [
  { id: 'ops', sha256: hashSecret(ADMIN_SECRET), orgs: ['*'], roles: ['admin'] },
  { id: 'prom', sha256: hashSecret(METRICS_SECRET), orgs: ['*'], roles: ['metrics'] },
];

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const textOf = (r: unknown) => ((r as { content: Array<{ text?: string }> }).content[0]?.text ?? '');

/** Polls `fn`; `flush` (the exporters' queues) first, so spans need not wait for the 5 s export interval. */
async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, flush?: () => Promise<void>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await flush?.();
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('traces from the MCP client to ClickHouse', () => {
  let a: OtlpReceiver;
  let b: OtlpReceiver;
  let tracing: Tracing;
  let watch: TracingConfigWatch;
  const fileChanges: Array<{ ok: boolean; error?: unknown }> = [];
  let bus: Bus;
  let store: Store;
  let worker: RunningWorker;
  let h: Harness;
  let client: Client;
  const calls = uniqueName('trace-calls');
  const audit = uniqueName('trace-audit');

  const writeConfig = (doc: string) => writeFileSync(configFile, doc);
  const flush = () => tracing.forceFlush();
  const nextFileChange = async () => {
    const seen = fileChanges.length;
    return waitFor('the config file watcher', () => fileChanges[seen]);
  };
  const spansOf = (r: OtlpReceiver, traceId: string) => r.spans.filter((s) => s.traceId === traceId);
  const callSpan = (r: OtlpReceiver, traceId: string) => r.spans.find((s) => s.traceId === traceId && s.kind === SPAN_KIND.server && s.name.startsWith('tools/call'));
  /** One call with its own trace, the caller's span given in `_meta`. */
  const tracedCall = async (text: string) => {
    const traceId = hex(16);
    const r = await client.callTool({ name: 'fx__echo', arguments: { text }, _meta: { traceparent: `00-${traceId}-${hex(8)}-01` } });
    assert.equal(JSON.parse(textOf(r)).text, text);
    return traceId;
  };

  before(async () => {
    assert.ok(brokers.length, 'MCPG_TEST_KAFKA_BROKERS must name the test broker (npm test starts one)');
    [a, b] = await Promise.all([startOtlpReceiver(), startOtlpReceiver()]);
    writeConfig(`endpoint: ${a.url}\nheaders:\n  x-receiver-token: token-a-${run}\n`);
    tracing = startTracing({ serviceName: 'mcpg-e2e', config: loadTracingConfigFile(configFile) });
    watch = watchTracingConfig(configFile, tracing, { log: silentLogger, intervalMs: 50, onChange: (r) => fileChanges.push(r) });

    bus = createKafkaBus({ brokers, clientId: `tracing-${run}`, retry: FAST_RETRY, logLevel: 'nothing' });
    store = await createStore({ kind: 'embedded', dataDir: join(dir, 'ch'), database: `tracing_${run}` });
    await migrate(store);
    // Topics of this run: the shared calls topic may carry other traffic, and
    // a batch's span is the child of its first sampled message.
    worker = await startRollupWorker({ bus, store, groupId: `tracing-rollup-${run}`, topic: calls, partitions: 3, batchRows: 5_000, flushMs: 100 });

    h = await startTestGateway({ upstreams: [stdioUpstream('fx')], kafka: { brokers, topics: { calls, audit } } }, { bus, sendRetry: { initialMs: 50, maxMs: 500 } });
    client = await connectClient(h.gateway.url, KEYS.acme.key);
  });

  after(async () => {
    watch?.close();
    await client?.close();
    await h?.stop();
    await worker?.stop();
    await bus?.close();
    await store?.close();
    await tracing?.shutdown();
    await a?.close();
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('one call is one trace: client span → gateway → Kafka send → worker → ClickHouse insert, each parent the span before', async () => {
    const traceId = hex(16);
    const clientSpan = hex(8);
    const traced = await connectClient(h.gateway.url, KEYS.acme.key, { traceparent: `00-${traceId}-${clientSpan}-01` });
    try {
      const r = await traced.callTool({ name: 'fx__echo', arguments: { text: 'secret-argument-value' } });
      assert.equal(JSON.parse(textOf(r)).text, 'secret-argument-value');
    } finally {
      await traced.close();
    }
    const insertOf = (write: ReceivedSpan) => a.spans.find((s) => s.parentSpanId === write.spanId && s.kind === SPAN_KIND.client);
    const chain = await waitFor('the whole trace at the first receiver', () => {
      const spans = spansOf(a, traceId);
      const gateway = spans.find((s) => s.kind === SPAN_KIND.server && s.name === 'tools/call fx__echo');
      const send = spans.find((s) => s.kind === SPAN_KIND.producer && s.attributes['messaging.destination.name'] === calls);
      const process = spans.find((s) => s.kind === SPAN_KIND.consumer && s.parentSpanId === send?.spanId);
      const write = spans.find((s) => s.name === 'rollup-worker write' && s.parentSpanId === process?.spanId);
      const insert = write && insertOf(write);
      return gateway && send && process && write && insert ? { gateway, send, process, write, insert } : undefined;
    }, flush);

    assert.equal(chain.gateway.parentSpanId, clientSpan, 'the gateway span continues the client\'s span');
    assert.equal(chain.send.parentSpanId, chain.gateway.spanId, 'the Kafka send is a child of the gateway span');
    assert.equal(chain.process.parentSpanId, chain.send.spanId, 'the worker\'s span is a child of the send (through the traceparent header)');
    assert.equal(chain.write.parentSpanId, chain.process.spanId);
    assert.equal(chain.insert.parentSpanId, chain.write.spanId, 'the ClickHouse insert is a child of the write');
    for (const s of Object.values(chain)) assert.equal(s.traceId, traceId, `${s.name} is in the client's trace`);

    // Semantic-convention names, and nothing of the call's content.
    assert.equal(chain.gateway.attributes['mcp.method.name'], 'tools/call');
    assert.equal(chain.gateway.attributes['gen_ai.tool.name'], 'fx__echo');
    assert.equal(chain.send.attributes['messaging.system'], 'kafka');
    assert.equal(chain.send.attributes['messaging.operation.type'], 'send');
    assert.equal(chain.process.attributes['messaging.operation.type'], 'process');
    assert.equal(chain.process.attributes['messaging.destination.name'], calls);
    assert.equal(chain.insert.attributes['db.system.name'], 'clickhouse');
    assert.equal(chain.insert.attributes['db.operation.name'], 'INSERT');
    assert.equal(typeof chain.insert.attributes['db.collection.name'], 'string');
    const everything = JSON.stringify(spansOf(a, traceId));
    assert.ok(!everything.includes('secret-argument-value'), 'no argument or result in any span');
    assert.ok(!everything.includes(KEYS.acme.key), 'no API key in any span');

    // The audit event's send is in the trace too, under the same gateway span.
    const auditSend = spansOf(a, traceId).find((s) => s.kind === SPAN_KIND.producer && s.attributes['messaging.destination.name'] === audit);
    assert.equal(auditSend?.parentSpanId, chain.gateway.spanId);
    // The exporter sent the configured header.
    assert.ok(a.requests.every((r) => r['x-receiver-token'] === `token-a-${run}`));
    assert.equal(b.spans.length, 0, 'nothing at the second receiver before the switch');
  });

  test('a switch by the config file while calls go on: every span at exactly one receiver, none lost', async () => {
    const before: string[] = [];
    const during: Promise<string>[] = [];
    const afterSwitch: string[] = [];
    for (let i = 0; i < 5; i++) before.push(await tracedCall(`before ${i}`));
    // Calls in flight while the file changes and the watcher switches.
    for (let i = 0; i < 10; i++) during.push(tracedCall(`during ${i}`));
    const change = nextFileChange();
    writeConfig(JSON.stringify({ endpoint: b.url, headers: { 'x-receiver-token': `token-b-${run}` }, sampleRate: 1 }));
    assert.deepEqual(await change, { ok: true });
    for (let i = 0; i < 5; i++) afterSwitch.push(await tracedCall(`after ${i}`));
    const calls = [...before, ...(await Promise.all(during)), ...afterSwitch];
    await tracing.forceFlush();

    const found = await waitFor('a gateway span of every call', () => {
      const spans = calls.map((t) => callSpan(a, t) ?? callSpan(b, t));
      return spans.every(Boolean) ? spans : undefined;
    }, flush);
    assert.equal(found.length, 20);
    for (const t of before) assert.ok(callSpan(a, t) && !callSpan(b, t), 'a call before the switch: first receiver only');
    for (const t of afterSwitch) assert.ok(callSpan(b, t) && !callSpan(a, t), 'a call after the switch: second receiver only');
    // Each call's event sends arrive too, wherever its gateway span went.
    await waitFor('the sends of every call', () =>
      calls.every((t) => [...spansOf(a, t), ...spansOf(b, t)].filter((s) => s.kind === SPAN_KIND.producer).length === 2) ? true : undefined, flush,
    );
    const ids = [...a.spans, ...b.spans].map((s) => s.spanId);
    assert.equal(new Set(ids).size, ids.length, 'no span reached both receivers, or one twice');
    assert.ok(b.requests.every((r) => r['x-receiver-token'] === `token-b-${run}`), 'the second exporter sends its own headers');
  });

  test('a bad config file is refused and the running exporter keeps receiving', async () => {
    const change = nextFileChange();
    writeConfig(`endpoint: "ftp://127.0.0.1/v1/traces"\n`);
    const refused = await change;
    assert.equal(refused.ok, false);
    assert.match(String((refused.error as Error).message), /endpoint must be http:\/\/ or https:\/\//);
    const t = await tracedCall('after a bad file');
    await waitFor('the span at the running (second) receiver', () => callSpan(b, t), flush);
    assert.equal(callSpan(a, t), undefined);
  });

  test('the admin endpoint: admin key only, bad input refused with the old exporter kept, a switch back, secrets masked', async () => {
    const api = buildApi({ store, logger: false, apiKeys, tracing });
    const put = (payload: unknown, secret = ADMIN_SECRET) =>
      api.inject({ method: 'PUT', url: '/v1/admin/tracing', headers: { authorization: `Bearer ${secret}` }, payload: payload as object });
    try {
      assert.equal((await put({ endpoint: a.url }, METRICS_SECRET)).statusCode, 403, 'a metrics key cannot switch traces');
      assert.equal((await api.inject({ method: 'PUT', url: '/v1/admin/tracing', payload: { endpoint: a.url } })).statusCode, 401);

      for (const [payload, why] of [
        [{ endpoint: 'not a url' }, /endpoint is not a valid URL/],
        [{ endpoint: 'http://127.0.0.1:1/' }, /needs the full traces path/],
        [{ endpoint: a.url, headers: { 'bad header': 'x' } }, /not a valid HTTP header name/],
        [{ endpoint: a.url, headers: { 'x-token': 'line\r\nInjected: 1' } }, /printable ASCII \(no line breaks\)/],
        [{ preset: 'new-relic' }, /needs header api-key/],
        [{ preset: 'splunk', headers: { 'X-SF-Token': 't' } }, /needs region/],
        [{ preset: 'datadog', protocol: 'grpc', headers: { 'dd-api-key': 'k' } }, /takes http\/protobuf, not grpc/],
        [{ endpoint: a.url, sampleRate: 2 }, /sampleRate must be a number from 0 to 1/],
      ] as const) {
        const res = await put(payload);
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json().error.code, 'BAD_REQUEST');
        assert.match(res.json().error.message, why);
        assert.ok(!res.body.includes('Injected'), 'a header value is never echoed');
      }
      const kept = await tracedCall('after refused admin changes');
      await waitFor('the span at the running (second) receiver', () => callSpan(b, kept), flush);

      const switched = await put({ endpoint: a.url, headers: { 'x-receiver-token': `token-a-${run}` } });
      assert.equal(switched.statusCode, 200);
      assert.deepEqual(switched.json(), { exporting: true, preset: 'custom', protocol: 'http/protobuf', endpoint: a.url, headers: { 'x-receiver-token': '***' }, sampleRate: 1 });
      const shown = await api.inject({ method: 'GET', url: '/v1/admin/tracing', headers: { authorization: `Bearer ${ADMIN_SECRET}` } });
      assert.ok(!shown.body.includes(`token-a-${run}`), 'the header value is masked');

      const moved = await tracedCall('after the admin switch');
      await waitFor('the span back at the first receiver', () => callSpan(a, moved), flush);
      assert.equal(callSpan(b, moved), undefined);
    } finally {
      await api.close();
    }
  });
});
