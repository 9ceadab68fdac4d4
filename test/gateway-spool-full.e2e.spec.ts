// The gateway's spool full while Kafka cannot be reached: calls still answer,
// the spool stays within its cap, every event is either kept or counted as
// dropped (none vanishes uncounted, none is counted twice), the gateway says
// so in its log and metrics, and MCPGGatewayEventsDropped reaches
// Alertmanager naming the gateway and the policy (real Prometheus scraping
// the gateway's /metrics with the shipped job and rules). No broker runs:
// the gateway's Kafka address is a port nothing listens on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createKafkaBus } from '@mcpg/bus';
import { uniqueName } from '@mcpg/bus/testing';
import type { Bus } from '@mcpg/pipeline';
import { createLogger } from '@mcpg/telemetry';
import { connectClient, KEYS, startTestGateway, stdioUpstream, type Harness } from './fixtures/gateway-harness.ts';
import { freePort, startStack, type Stack } from './support/prometheus-stack.ts';

const CALLS = 600;
const SPOOL_MAX = 16 * 1024;

let bus: Bus;
let h: Harness;
let client: Client;
let stack: Stack;
const warnings: { count: number; reason: string }[] = [];

before(async () => {
  // A port that was free a moment ago and that nothing listens on.
  const nowhere = `127.0.0.1:${await freePort()}`;
  bus = createKafkaBus({ brokers: [nowhere], clientId: 'spool-full', logLevel: 'nothing', retry: { retries: 0, initialRetryTime: 100, maxRetryTime: 200 }, connectionTimeoutMs: 300, requestTimeoutMs: 1_000 });
  // The gateway's log as an operator reads it (JSON lines).
  const log = createLogger({
    name: 'gateway',
    level: 'warn',
    destination: {
      write: (line: string) => {
        const o = JSON.parse(line) as { msg: string; count: number; reason: string };
        if (o.msg === 'event spool full: events dropped') warnings.push(o);
      },
    },
  });
  h = await startTestGateway(
    {
      upstreams: [stdioUpstream('fx')],
      kafka: { brokers: [nowhere], topics: { calls: uniqueName('spool-calls'), audit: uniqueName('spool-audit') }, sendTimeoutMs: 200 },
      events: { queueCapacity: 50, batchSize: 25, spool: { maxBytes: SPOOL_MAX, segmentBytes: 4 * 1024, overflow: 'drop-oldest' } },
    },
    { bus, log, sendRetry: { initialMs: 100, maxMs: 500 } },
  );
  client = await connectClient(h.gateway.url, KEYS.acme.key);
  const metrics = new URL(h.gateway.metricsUrl!);
  stack = await startStack({ job: 'mcpg-gateways', target: metrics.host, metricsPath: metrics.pathname, ruleFor: '1s', interval: '1s' });
  // As in a deployment, Prometheus has scraped the gateway's counter at 0
  // before the burst: increase() needs a sample from before the drops (a
  // first sample that already holds them is no increase), and a fresh server
  // may take a few seconds to its first scrape.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent('events_dropped_total')}`).catch(() => undefined);
    const body = res?.ok ? ((await res.json()) as { data: { result: unknown[] } }) : undefined;
    if ((body?.data.result.length ?? 0) > 0) break;
    if (Date.now() > deadline) throw new Error(`Prometheus never scraped the gateway's events_dropped_total\n${stack.logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

after(async () => {
  await client?.close();
  await h?.stop();
  await bus?.close();
  await stack?.stop();
});

async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${stack.logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** events_dropped_total by reason, from the gateway's /metrics. */
const droppedOnMetrics = async (): Promise<Record<string, number>> => {
  const body = await (await fetch(h.gateway.metricsUrl!)).text();
  return Object.fromEntries([...body.matchAll(/^events_dropped_total\{reason="([^"]+)"\} (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
};
const sum = (r: Record<string, number>) => Object.values(r).reduce((n, v) => n + v, 0);

test('spool full with Kafka unreachable: calls answer, the cap holds, every event is kept or counted as dropped, and the alert names the gateway', async () => {
  for (let i = 0; i < CALLS; i++) {
    const r = await client.callTool({ name: 'fx__echo', arguments: { i, pad: 'x'.repeat(200) } });
    assert.equal(JSON.parse((r.content as { text: string }[])[0]!.text).i, i, 'the call went through');
  }
  // Each call yields a call event and an audit event: each is still queued,
  // on disk (a batch the outbox keeps trying to send was read from the spool
  // and is counted there until Kafka has it), or counted as dropped, once.
  // Under drop-oldest a record that finds every older segment already taken
  // for sending is refused instead (reason drop-newest).
  const accounted = async () => {
    const s = h.gateway.outboxStats();
    const dropped = await droppedOnMetrics();
    const total = s.queued + s.spooledRecords + sum(dropped);
    assert.ok(total <= 2 * CALLS, `counted twice: ${JSON.stringify({ ...s, dropped })}`);
    return total === 2 * CALLS ? { s, dropped } : undefined;
  };
  const { s, dropped } = await waitFor('every event queued, on disk or counted as dropped', accounted, 30_000);
  assert.equal(s.sent, 0, 'Kafka was never reached');
  assert.ok((dropped['drop-oldest'] ?? 0) > 0, JSON.stringify(dropped));
  assert.equal(warnings.reduce((n, w) => n + w.count, 0), sum(dropped), 'the log says how many, as the counter does');
  const onDisk = await spoolBytes(h.spoolDir);
  assert.ok(onDisk <= SPOOL_MAX, `the spool holds ${onDisk} bytes, its cap is ${SPOOL_MAX}`);

  const fired = await waitFor(
    'MCPGGatewayEventsDropped (drop-oldest) at the webhook',
    () => stack.received.find((a) => a.status === 'firing' && a.labels.alertname === 'MCPGGatewayEventsDropped' && a.labels.reason === 'drop-oldest'),
    60_000,
  );
  assert.equal(fired.labels.instance, new URL(h.gateway.metricsUrl!).host);
  assert.equal(fired.labels.severity, 'critical');
});

/**
 * Bytes in the spool's files. The outbox keeps retrying Kafka and drops old
 * segments meanwhile, so a file listed may be gone when it is measured: read
 * the listing again until one is measured whole.
 */
async function spoolBytes(dir: string): Promise<number> {
  for (;;) {
    const files = await readdir(dir);
    const sizes = await Promise.all(files.map((f) => stat(join(dir, f)).then((st) => st.size, (err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)))));
    if (sizes.every((n) => n !== null)) return sizes.reduce((n: number, b) => n + b!, 0);
  }
}
