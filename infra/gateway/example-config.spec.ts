// The example gateway configuration the image ships (gateway.yaml) with its
// example upstream: the file as written passes the gateway's validation, and a
// gateway started from it (on free ports, with a test key, over the in-memory
// bus) serves the upstream's tools to an MCP client and answers the metrics
// path the container health check and the Kubernetes probes use.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createMemoryBus } from '@mcpg/bus';
import { hashApiKey, parseConfigText, startGateway, validateConfig, type Gateway } from '@mcpg/gateway';

const here = new URL('.', import.meta.url).pathname;
const text = readFileSync(join(here, 'gateway.yaml'), 'utf8');
const KEY = 'example-spec-key-0001';
const spoolDir = mkdtempSync(join(tmpdir(), 'mcpg-example-gateway-'));
let gateway: Gateway;
let client: Client;

before(async () => {
  const doc = parse(text) as { listen: object; metrics: object; upstreams: { args: string[] }[]; events: { spool: { dir: string } }; apiKeys: unknown[] };
  // Only what ties the file to the container changes: ports, the upstream's path in the image, the spool, a key.
  doc.listen = { ...doc.listen, host: '127.0.0.1', port: 0 };
  doc.metrics = { ...doc.metrics, host: '127.0.0.1', port: 0 };
  doc.upstreams[0]!.args = [join(here, 'example-upstream.mjs')];
  doc.events.spool.dir = spoolDir;
  doc.apiKeys = [{ id: 'spec', sha256: hashApiKey(KEY), org: 'default', workspace: 'ops', actor: 'agent:spec' }];
  const bus = createMemoryBus();
  await bus.ensureTopics([{ name: 'mcpg.calls.v1' }, { name: 'mcpg.audit.v1' }]);
  gateway = await startGateway(validateConfig(doc), { bus });
  client = new Client({ name: 'example-spec', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(gateway.url), { requestInit: { headers: { authorization: `Bearer ${KEY}` } } }));
});

after(async () => {
  await client?.close();
  await gateway?.stop();
  rmSync(spoolDir, { recursive: true, force: true });
});

test('the file as shipped is a valid gateway configuration, for the compose and Kubernetes network', () => {
  const config = parseConfigText(text, 'gateway.yaml');
  assert.equal(config.listen.host, '0.0.0.0');
  assert.equal(config.listen.port, 8930);
  assert.equal(config.metrics.port, 9090);
  assert.deepEqual(config.kafka.brokers, ['kafka:9092']);
  assert.equal(config.events.spool.dir, '/var/lib/mcpg/gateway-spool');
  assert.deepEqual(config.upstreams.map((u) => [u.name, u.kind]), [['demo', 'stdio']]);
  // No client key ships: every client is refused until the operator adds a digest.
  assert.deepEqual(config.apiKeys, []);
});

test('a client gets the example upstream tools through the gateway', async () => {
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name).sort(), ['demo__echo', 'demo__now', 'demo__sleep']);
  const echo = await client.callTool({ name: 'demo__echo', arguments: { text: 'hello fleet' } });
  assert.deepEqual(echo.content, [{ type: 'text', text: 'hello fleet' }]);
  const now = await client.callTool({ name: 'demo__now', arguments: {} });
  const [first] = now.content as { text: string }[];
  assert.ok(Math.abs(Date.parse(first!.text) - Date.now()) < 60_000, first!.text);
  const bad = await client.callTool({ name: 'demo__sleep', arguments: { ms: 10_000 } });
  assert.equal(bad.isError, true);
});

test('the metrics path the health checks read answers, with the upstream up', async () => {
  const res = await fetch(gateway.metricsUrl!);
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.match(body, /server_status\{server="demo"\} 1/);
  assert.match(body, /tool_calls_total\{server="demo",tool="echo",status="ok"\} 1/);
});
