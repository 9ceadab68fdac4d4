// One definition of a call, end to end: the SDK's client calls tools through
// the real gateway — permitted, failing, denied by policy, too large, and
// names no upstream offers — the gateway's events go through a real Kafka
// broker to the rollup worker and the ledger worker, and the query API's fleet
// metrics and its audit tool-calls view must count the very same calls. A
// call to an unknown tool is in both, under bounded labels.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '@mcpg/api';
import { createKafkaBus } from '@mcpg/bus';
import { FAST_RETRY } from '@mcpg/bus/testing';
import { TOPICS } from '@mcpg/events';
import { hashApiKey } from '@mcpg/gateway';
import { SigningKeys, signerKeyFromSeed } from '@mcpg/ledger';
import type { Bus } from '@mcpg/pipeline';
import { createStore, migrate, type Store } from '@mcpg/store';
import { startLedgerWorker, startRollupWorker, type RunningLedgerWorker, type RunningWorker } from '@mcpg/workers';
import { connectClient, startTestGateway, stdioUpstream, type Harness } from './fixtures/gateway-harness.ts';
import { parseExposition, type Sample } from './support/exposition.ts';

const brokers = (process.env.MCPG_TEST_KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const run = randomBytes(4).toString('hex');
// An org of its own: the ledger worker reads the shared audit topic, which may hold other tests' orgs.
const org = `calls-${run}`;
const KEY = `test-key-calls-${run}`;
const callsTopic = `calls-accounting-${run}`;
const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-calls-e2e-'));
const LONG_NAME = `nosuch__${'x'.repeat(20_000)}`;

let bus: Bus;
let store: Store;
let rollup: RunningWorker;
let ledger: RunningLedgerWorker;
let h: Harness;
let client: Client;
let api: FastifyInstance;

/** The calls this test makes, by how they end. */
const CALLS = {
  ok: [
    ['fx__echo', { text: 'one' }],
    ['fx__echo', { text: 'two' }],
    ['fx__add', { a: 1, b: 2 }],
  ],
  toolError: [['fx__fail', {}]],
  denied: [['fx__delete_repo', { repo: 'acme/site' }]],
  tooLarge: [['fx__echo', { text: 'y'.repeat(5_000) }]],
  // fx is configured (its label is kept); the others name no upstream. A deny
  // glob over the raw name (*__delete_*) does not apply to a name no upstream offers.
  unknown: [
    ['fx__nope', {}],
    ['fx__delete_everything', {}],
    ['nosuch__thing', {}],
    [LONG_NAME, {}],
  ],
} as const;
const TOTAL = Object.values(CALLS).reduce((n, list) => n + list.length, 0);

before(async () => {
  assert.ok(brokers.length, 'MCPG_TEST_KAFKA_BROKERS must name the test broker (npm test starts one)');
  bus = createKafkaBus({ brokers, clientId: `calls-e2e-${run}`, retry: FAST_RETRY, logLevel: 'nothing' });
  store = await createStore({ kind: 'embedded', dataDir, database: `calls_${run}` });
  await migrate(store);
  rollup = await startRollupWorker({ bus, store, topic: callsTopic, groupId: `calls-rollup-${run}`, partitions: 3, batchRows: 1_000, flushMs: 100 });
  const signingKeys = new SigningKeys([{ key: signerKeyFromSeed('test.invalid/calls', new Uint8Array(32).fill(3)), window: { notBefore: null, notAfter: null } }]);
  ledger = await startLedgerWorker({ bus, store, signingKeys, segments: { rows: 1_000, seconds: 60 }, groupId: `calls-ledger-${run}`, batchRows: 5_000, flushMs: 100 });
  h = await startTestGateway(
    {
      upstreams: [stdioUpstream('fx')],
      apiKeys: [{ id: 'calls-agent', sha256: hashApiKey(KEY), org, workspace: 'ops', actor: 'agent:calls' }],
      policy: { default: 'permit', rules: [{ id: 'no-destructive', effect: 'deny', tools: ['*__delete_*'], reason: 'destructive tools are blocked' }] },
      limits: { maxArgumentBytes: 2_048 },
      kafka: { brokers, topics: { calls: callsTopic, audit: TOPICS.audit } },
    },
    { bus, sendRetry: { initialMs: 50, maxMs: 500 } },
  );
  client = await connectClient(h.gateway.url, KEY);
  api = buildApi({ store, logger: false });
  await api.ready();
});

after(async () => {
  await client?.close();
  await h?.stop();
  await rollup?.stop();
  await ledger?.stop();
  await api?.close();
  await bus?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function callExpectingError(name: string, args: Record<string, unknown>): Promise<McpError> {
  try {
    await client.callTool({ name, arguments: args });
  } catch (e) {
    assert.ok(e instanceof McpError, `${name.slice(0, 40)}: ${String(e).slice(0, 200)}`);
    return e;
  }
  assert.fail(`${name.slice(0, 40)} should have been refused`);
}

async function metrics(): Promise<Sample[]> {
  const res = await api.inject({ method: 'GET', url: `/v1/orgs/${org}/metrics?granularity=hour` });
  assert.equal(res.statusCode, 200);
  assert.ok(!res.body.includes('xxxxxxxxxx'), 'a name the client made up never becomes a label');
  return parseExposition(res.body);
}

const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);

async function toolCalls(qs = ''): Promise<{ total: number; items: { tool: string; status: string; source: string }[] }> {
  const res = await api.inject({ method: 'GET', url: `/api/v1/audit/tool-calls?org=${org}&page_size=100${qs}` });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('every call through the gateway is counted once by the fleet metrics and listed once by the tool-calls view', async () => {
  for (const [name, args] of CALLS.ok) await client.callTool({ name, arguments: args });
  for (const [name, args] of CALLS.toolError) assert.equal((await client.callTool({ name, arguments: args })).isError, true);
  for (const [name, args] of CALLS.denied) assert.equal((await callExpectingError(name, args)).code, -32011);
  for (const [name, args] of CALLS.tooLarge) assert.equal(((await callExpectingError(name, args)).data as { code: string }).code, 'ARGUMENTS_TOO_LARGE');
  for (const [name, args] of CALLS.unknown) assert.equal(((await callExpectingError(name, args)).data as { code: string }).code, 'UNKNOWN_TOOL');
  await h.gateway.eventsDelivered();

  await waitFor(`${TOTAL} calls in the fleet metrics and the tool-calls view`, async () => sum(await metrics(), 'mcpg_tool_calls_total') >= TOTAL && (await toolCalls()).total >= TOTAL);
  const samples = await metrics();
  const view = await toolCalls();
  assert.equal(sum(samples, 'mcpg_tool_calls_total'), TOTAL, 'the fleet metrics count every call');
  assert.equal(view.total, TOTAL, 'the tool-calls view lists every call');
  assert.equal(view.items.length, TOTAL);

  // A denial is a call in both; the view finds it by status.
  const denied = await toolCalls('&status=denied');
  assert.equal(denied.total, 1);
  assert.deepEqual(denied.items.map((i) => [i.tool, i.status, i.source]), [['fx__delete_repo', 'denied', 'mcp']]);
  assert.equal(sum(samples, 'mcpg_tool_calls_total', { plugin: 'fx', tool: 'delete_repo' }), 1);
  assert.equal(sum(samples, 'mcpg_tool_errors_total', { plugin: 'fx', tool: 'delete_repo' }), 0, 'a denial is not an error');

  // Calls to unknown tools: one bounded label per configured server, the rest under __unknown__.
  assert.equal(sum(samples, 'mcpg_tool_calls_total', { plugin: 'fx', tool: '__unknown__' }), 2);
  assert.equal(sum(samples, 'mcpg_tool_calls_total', { plugin: '__unknown__', tool: '__unknown__' }), 2);
  assert.equal(sum(samples, 'mcpg_tool_errors_total', { plugin: 'fx', tool: '__unknown__' }), 2);
  const unknownRows = view.items.filter((i) => !['fx__echo', 'fx__add', 'fx__fail', 'fx__delete_repo'].includes(i.tool));
  assert.deepEqual(unknownRows.map((i) => i.tool.slice(0, 30)).sort(), ['fx__delete_everything', 'fx__nope', 'nosuch__thing', 'nosuch__xxxxxxxxxxxxxxxxxxxxxx'].sort(), 'the audit keeps the name the client sent');
  const long = unknownRows.find((i) => i.tool.startsWith('nosuch__x'))!;
  assert.ok(Buffer.byteLength(long.tool) <= 4_096, `the name is bounded in the audit (${Buffer.byteLength(long.tool)} bytes)`);

  // Errors: the same calls on both sides (the tool error, the oversized call, the unknown tools).
  const errors = CALLS.toolError.length + CALLS.tooLarge.length + CALLS.unknown.length;
  assert.equal(sum(samples, 'mcpg_tool_errors_total'), errors);
  assert.equal((await toolCalls('&status=error')).total, errors);
  // Per tool, both sides agree.
  for (const [plugin, tool] of [['fx', 'echo'], ['fx', 'add'], ['fx', 'fail']] as const) {
    assert.equal((await toolCalls(`&tool=${plugin}__${tool}`)).total, sum(samples, 'mcpg_tool_calls_total', { plugin, tool }), `${plugin}__${tool}`);
  }
});
