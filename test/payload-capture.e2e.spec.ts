// Payload capture end to end, with the canary: the SDK's client calls a real
// upstream through the gateway with capture on for its org; the payloads go
// sealed through a real Kafka broker into the embedded engine; the query API
// opens them for a payload-role key and records the view in the org's
// signed ledger. A unique canary string in the arguments (echoed back in the
// response) must then be found nowhere in plaintext: not in any message of
// any topic the pipeline used, not in any row of any ClickHouse table, not in
// any log line, span or metric. Then the org's keys are shredded and the
// same view answers PAYLOAD_KEY_SHREDDED.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { buildApi, hashSecret, payloadViews } from '@mcpg/api';
import { createKafkaBus } from '@mcpg/bus';
import { FAST_RETRY, uniqueName } from '@mcpg/bus/testing';
import { TOPICS } from '@mcpg/events';
import { SigningKeys, signerKeyFromSeed } from '@mcpg/ledger';
import { generateKekText, readKekFile } from '@mcpg/payload-crypto';
import type { Bus, BusProducer } from '@mcpg/pipeline';
import type { Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { createLogger, startTracing, type Tracing } from '@mcpg/telemetry';
import { runPayloadKeyAction, startLedgerWorker, startRollupWorker } from '@mcpg/workers';
import { connectClient, KEYS, startHttpUpstream, startTestGateway, type Harness } from './fixtures/gateway-harness.ts';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const CANARY = `canary-${randomBytes(12).toString('hex')}`;
const SECRET = 'ghp_' + 'R7sK2mQ9xW4vB8nL3pZ6tY1cF5hJ0dA2gE9u';
const topics = { calls: uniqueName('pc-calls'), audit: uniqueName('pc-audit'), routed: uniqueName('pc-routed'), payloads: uniqueName('pc-payloads') };
const signingKeys = new SigningKeys([{ key: signerKeyFromSeed('test.invalid/payloads', new Uint8Array(32).fill(4)), window: { notBefore: null, notAfter: null } }]);

const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});
const log = createLogger({ name: 'payload-e2e', level: 'debug', destination: logSink });

let dir: string;
let bus: Bus;
let producer: BusProducer;
let store: Store;
let tracing: Tracing;
const spans = new InMemorySpanExporter();
let web: Awaited<ReturnType<typeof startHttpUpstream>>;
let h: Harness;
let client: Client;
let api: ReturnType<typeof buildApi>;
const stops: (() => Promise<void>)[] = [];
let keystoreFile: string;
let callId = '';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await store.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

before(async () => {
  tracing = startTracing({ serviceName: 'payload-e2e', spanProcessors: [new SimpleSpanProcessor(spans)] });
  dir = mkdtempSync(join(tmpdir(), 'mcpg-payload-e2e-'));
  const kekFile = join(dir, 'payload.kek');
  keystoreFile = join(dir, 'payload-keys.json');
  writeFileSync(kekFile, generateKekText(), { mode: 0o600 });
  bus = createKafkaBus({ brokers, clientId: 'payload-e2e', retry: FAST_RETRY, logLevel: 'nothing' });
  await bus.ensureTopics(Object.values(topics).map((name) => ({ name, partitions: 2 })));
  producer = await bus.producer();
  // The operator creates acme's payload key: an operator action in acme's ledger.
  await runPayloadKeyAction({ action: 'rotate', org: 'acme', kek: readKekFile(kekFile) }, { keystorePath: keystoreFile, producer, actor: 'operator:e2e', auditTopic: topics.audit });

  store = await createTestStore();
  const common = { bus, store, partitions: 2, batchRows: 100, flushMs: 50, log };
  const rollup = await startRollupWorker({ ...common, topic: topics.calls, payloadTopic: topics.payloads, groupId: uniqueName('pc-rollup') });
  const ledger = await startLedgerWorker({ ...common, topic: topics.audit, routedTopic: topics.routed, groupId: uniqueName('pc-ledger'), signingKeys, segments: { rows: 1, seconds: 60 } });
  stops.push(() => rollup.stop(), () => ledger.stop());

  web = await startHttpUpstream();
  h = await startTestGateway(
    {
      upstreams: [{ name: 'web', url: web.url, timeoutMs: 5_000 }],
      kafka: { brokers, topics: { calls: topics.calls, audit: topics.audit } },
      capture: { keystoreFile, kekFile, keyRefreshMs: 200, topic: topics.payloads, rules: [{ org: 'acme', sampleRate: 1, maxBytes: 4096, fields: 'both' }] },
    },
    { bus, log, sendRetry: { initialMs: 50, maxMs: 500 } },
  );
  client = await connectClient(h.gateway.url, KEYS.acme.key);

  api = buildApi({
    store,
    logger: log,
    apiKeys: [
      { id: 'viewer', sha256: hashSecret('viewer-secret'), orgs: ['acme'], roles: ['payload', 'audit'] },
      { id: 'ops', sha256: hashSecret('ops-secret'), orgs: ['*'], roles: ['admin'] },
    ],
    tracing,
    payloads: payloadViews({ keystoreFile, kekFile, producer, viewsPerMinute: 60, auditTopic: topics.audit }),
  });
  await api.ready();
});

after(async () => {
  await client?.close();
  await h?.stop();
  await web?.stop();
  await api?.close();
  for (const s of stops.reverse()) await s();
  await producer?.close();
  await bus?.close();
  await store?.close();
  await tracing?.shutdown();
  rmSync(dir, { recursive: true, force: true });
  // Diagnostic: what still holds the process open (printed only if something does).
  setTimeout(() => console.error('still open:', (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().map((h) => h.constructor.name)), 5_000).unref();
});

const view = (key: string, id: string) => api.inject({ method: 'GET', url: `/v1/orgs/acme/invocations/${encodeURIComponent(id)}/payload`, headers: { authorization: `Bearer ${key}-secret` } });

test('a captured call is stored sealed and opens for a payload-role key, masked; the view is a signed ledger row', async () => {
  const result = await client.callTool({ name: 'web__echo', arguments: { text: `look for ${CANARY} with token ${SECRET}` } });
  assert.ok(JSON.stringify(result).includes(CANARY), 'the client gets its answer as the upstream gave it');
  await h.gateway.eventsDelivered();
  const stored = await until('the call and its two payloads stored', async () => {
    const p = await rows<{ event_id: string; field: string }>('SELECT event_id, toString(field) AS field FROM tool_invocation_payloads_v2 FINAL ORDER BY field');
    const c = await rows<{ event_id: string }>('SELECT event_id FROM tool_invocations FINAL');
    return p.length === 2 && c.length === 1 ? { p, c } : undefined;
  });
  callId = stored.c[0]!.event_id;
  assert.deepEqual(stored.p.map((r) => [r.event_id, r.field]), [[callId, 'arguments'], [callId, 'response']]);

  assert.equal((await view('ops', callId)).statusCode, 403, 'admin without the payload role');
  const res = await view('viewer', callId);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
  const payloads = (res.json() as { payloads: { field: string; text: string }[] }).payloads;
  assert.deepEqual(payloads.map((p) => p.field), ['arguments', 'response']);
  for (const p of payloads) {
    assert.ok(p.text.includes(CANARY), `${p.field} opens to what was sent`);
    assert.ok(!p.text.includes(SECRET) && p.text.includes('[REDACTED:'), `${p.field}: the secret was masked before it was sealed`);
  }
  // The rotation, the call, the refused and the granted views: rows of acme's ledger.
  const ledger = await until('the views in the ledger', async () => {
    const r = await rows<{ action: string; actor: string; outcome: string; resource: string }>("SELECT action, actor, outcome, resource FROM audit_log FINAL WHERE org = 'acme' ORDER BY seq");
    return r.filter((x) => x.action === 'payload.view').length === 3 ? r : undefined;
  });
  assert.deepEqual(
    ledger.map((r) => [r.action, r.actor, r.outcome]),
    [
      ['operator.payload_key.rotate', 'operator:e2e', 'ok'],
      ['tool.call', 'agent:triage', 'ok'],
      ['payload.view', 'api-key:ops', 'denied'],
      ['payload.view', 'api-key:viewer', 'ok'],
      ['payload.view', 'api-key:viewer', 'ok'],
    ],
  );
  const signed = await until('a checkpoint covering the views', async () => {
    const r = await rows<{ tree_size: string }>("SELECT toString(max(tree_size)) AS tree_size FROM audit_checkpoints FINAL WHERE org = 'acme'");
    return Number(r[0]?.tree_size ?? 0) >= 5 ? r : undefined;
  });
  assert.ok(signed);
});

test('the canary is nowhere in plaintext: no topic, no table, no log line, no span, no metric', async () => {
  assert.ok(callId, 'the first test stored the call');
  const needle = Buffer.from(CANARY, 'utf8');
  // Every message of every topic the pipeline used, as raw bytes (keys, values, headers).
  const scanned: Record<string, number> = {};
  for (const topic of [...Object.values(topics), TOPICS.deadletter]) {
    const ends = await bus.endOffsets(topic);
    const total = [...ends.values()].reduce((n, v) => n + Number(v), 0);
    scanned[topic] = 0;
    if (total === 0) continue;
    const consumer = await bus.consumer({ groupId: uniqueName('pc-scan'), topics: [topic], fromBeginning: true });
    let seen = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.start(async (batch) => {
        for (const m of batch.messages) {
          const parts = [m.raw.key, m.raw.value, ...Object.values(m.raw.headers).flat()];
          assert.ok(!parts.some((b) => b?.includes(needle)), `${topic} ${m.partition}@${m.offset} holds the canary`);
          seen++;
        }
        if (seen >= total) resolve();
      });
    });
    await done;
    await consumer.close();
    scanned[topic] = seen;
  }
  assert.ok(scanned[topics.payloads]! >= 2 && scanned[topics.calls]! >= 1 && scanned[topics.audit]! >= 5, JSON.stringify(scanned));
  // Every row of every table of the store's database, as text.
  const tables = await rows<{ name: string }>("SELECT name FROM system.tables WHERE database = currentDatabase() AND engine NOT IN ('MaterializedView', 'View')");
  assert.ok(tables.some((t) => t.name === 'tool_invocation_payloads_v2'));
  for (const { name } of tables) {
    const rs = await store.client.query({ query: 'SELECT * FROM {t:Identifier}', query_params: { t: name }, format: 'TabSeparated' });
    const text = await rs.text();
    assert.ok(!text.includes(CANARY), `table ${name} holds the canary`);
  }
  // Logs of the gateway, the workers and the API; spans; the gateway's and the API's metrics.
  assert.ok(logLines.length > 0);
  for (const line of logLines) assert.ok(!line.includes(CANARY), `a log line holds the canary: ${line.slice(0, 200)}`);
  const finished = spans.getFinishedSpans();
  assert.ok(finished.length > 0, 'spans were recorded');
  for (const s of finished) assert.ok(!JSON.stringify({ name: s.name, attributes: s.attributes, events: s.events, status: s.status }).includes(CANARY), `span ${s.name} holds the canary`);
  const gatewayMetrics = await (await fetch(h.gateway.metricsUrl!)).text();
  assert.match(gatewayMetrics, /payloads_captured_total\{field="arguments"\} 1/);
  const apiMetrics = (await api.inject({ method: 'GET', url: '/api/v1/metrics', headers: { authorization: 'Bearer ops-secret' } })).body;
  for (const m of [gatewayMetrics, apiMetrics]) assert.ok(!m.includes(CANARY));
});

test('after crypto-shredding the org, the same view answers PAYLOAD_KEY_SHREDDED and the payload is gone for good', async () => {
  assert.ok(callId);
  await runPayloadKeyAction({ action: 'shred', org: 'acme' }, { keystorePath: keystoreFile, producer, actor: 'operator:e2e', auditTopic: topics.audit });
  const res = await until('the API to follow the shredded keystore', async () => {
    const r = await view('viewer', callId);
    return r.statusCode === 200 ? undefined : r;
  }, 10_000);
  assert.equal(res.statusCode, 410, res.body);
  assert.equal(res.json().error.code, 'PAYLOAD_KEY_SHREDDED');
  assert.ok(!res.body.includes(CANARY));
});
