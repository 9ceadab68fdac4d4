// Never lose, never block: with the broker stopped, 10,000 tool calls still
// answer at once while their events go to the disk spool; when the broker is
// back every call event and audit event arrives exactly once, in order per
// org. This test starts and stops its own broker (its own port and data
// directory), never the shared one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createKafkaBus, startLocalBroker, type LocalBroker } from '@mcpg/bus';
import { freePortPair, uniqueName } from '@mcpg/bus/testing';
import type { AuditEvent, ToolCallEvent } from '@mcpg/events';
import type { Bus } from '@mcpg/pipeline';
import { EventCollector } from './fixtures/event-collector.ts';
import { hashApiKey } from '@mcpg/gateway';
import { connectClient, startTestGateway, stdioUpstream, type Harness } from './fixtures/gateway-harness.ts';

// Ten orgs calling at once, each in sequence: per-org order is defined, and
// the 10,000 calls take seconds, not minutes, on a busy two-core machine.
const CALLS_PER_ORG = 1_000;
const ORGS = Array.from({ length: 10 }, (_, n) => ({ org: `org-${n}`, key: `outage-test-key-${n}` }));
const API_KEYS = ORGS.map((o) => ({ id: `${o.org}-agent`, sha256: hashApiKey(o.key), org: o.org, workspace: 'default', actor: 'agent:load' }));

let dataDir: string;
let port: number;
let broker: LocalBroker | null = null;
let bus: Bus;
let h: Harness;
const clients: Client[] = [];
const topics = { calls: uniqueName('gw-outage-calls'), audit: uniqueName('gw-outage-audit') };

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'mcpg-gateway-outage-kafka-'));
  port = await freePortPair(19500, 19540);
  broker = await startLocalBroker({ port, dataDir, heapMb: 384 });
  bus = createKafkaBus({
    brokers: broker.brokers,
    clientId: 'gateway-outage',
    logLevel: 'nothing',
    retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 500 },
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 5_000,
  });
  await bus.ensureTopics([{ name: topics.calls }, { name: topics.audit }]);
  h = await startTestGateway(
    {
      upstreams: [stdioUpstream('fx')],
      apiKeys: API_KEYS,
      kafka: { brokers: broker.brokers, topics, sendTimeoutMs: 500 },
      events: { queueCapacity: 2_000, batchSize: 500, spool: { segmentBytes: 256 * 1024 } },
    },
    { bus, sendRetry: { initialMs: 100, maxMs: 1_000 } },
  );
  for (const o of ORGS) clients.push(await connectClient(h.gateway.url, o.key));
});

after(async () => {
  for (const c of clients) await c.close();
  await h?.stop();
  await bus?.close();
  await broker?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

test('broker down: 10,000 calls answer, their events wait on disk, then arrive exactly once and in order per org', async () => {
  // Kafka is reachable first: the producer is connected when the broker goes away.
  await clients[0]!.callTool({ name: 'fx__echo', arguments: { i: -1 } });
  await h.gateway.eventsDelivered();
  await broker!.stop();
  broker = null;

  await Promise.all(
    ORGS.map(async (_, n) => {
      for (let i = 0; i < CALLS_PER_ORG; i++) {
        const r = await clients[n]!.callTool({ name: 'fx__echo', arguments: { i } });
        assert.equal((r.content as Array<{ text: string }>)[0]!.text, JSON.stringify({ i }));
      }
    }),
  );
  const during = h.gateway.outboxStats();
  assert.ok(during.spooledRecords > 0, `events were spooled to disk (${JSON.stringify(during)})`);
  assert.ok((await readdir(h.spoolDir)).length > 0, 'spool segments on disk');

  broker = await startLocalBroker({ port, dataDir, heapMb: 384 });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    h.gateway.eventsDelivered(),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`not drained: ${JSON.stringify(h.gateway.outboxStats())}`)), 90_000))),
  ]).finally(() => clearTimeout(timer));
  assert.equal(h.gateway.outboxStats().spoolBytes, 0);

  // A client of its own, with the default retries: the test bus's quick
  // retries suit the outage, not a group joining a broker that just restarted.
  const reader = createKafkaBus({ brokers: broker.brokers, clientId: 'gateway-outage-reader', logLevel: 'nothing' });
  const events = await EventCollector.start(reader, [topics.calls, topics.audit]);
  const expected = ORGS.length * CALLS_PER_ORG + 1;
  try {
    await events.waitFor('every call and audit event', () => events.calls().length >= expected && events.audits().filter((a) => a.action === 'tool.call').length >= expected, 60_000);
    await new Promise((r) => setTimeout(r, 1_000)); // anything extra (a duplicate) would show up now
  } finally {
    await events.stop();
    await reader.close();
  }

  const calls = events.calls();
  const audits = events.audits().filter((a) => a.action === 'tool.call');
  assert.equal(calls.length, expected, 'call events');
  assert.equal(audits.length, expected, 'audit events');
  assert.equal(new Set(calls.map((c) => c.event_id)).size, expected, 'no call event twice');
  assert.equal(new Set(audits.map((a) => a.event_id)).size, expected, 'no audit event twice');

  // In order per org: the argument i of each org's events, in the order the consumer read them.
  const iOf = new Map<string, number>(audits.map((a) => [a.event_id, (JSON.parse(a.arguments ?? '{}') as { i: number }).i]));
  for (const { org } of ORGS) {
    const auditOrder = audits.filter((a: AuditEvent) => a.org === org).map((a) => iOf.get(a.event_id)!);
    const callOrder = calls.filter((c: ToolCallEvent) => c.org === org).map((c) => iOf.get(`${c.event_id}:audit`)!);
    const want = org === ORGS[0]!.org ? [-1, ...Array.from({ length: CALLS_PER_ORG }, (_, i) => i)] : Array.from({ length: CALLS_PER_ORG }, (_, i) => i);
    assert.deepEqual(auditOrder, want, `${org} audit events in order`);
    assert.deepEqual(callOrder, want, `${org} call events in order`);
  }
});
