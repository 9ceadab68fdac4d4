import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../create-store.ts';
import { StoreError } from '../errors.ts';
import { createTestStore } from '../testing.ts';
import { insertToolInvocations } from './insert-tool-invocations.ts';
import { queryToolCallCounters } from './query-tool-call-counters.ts';
import type { ToolInvocationRow } from './tool-invocation-row.ts';

let store: Store;
before(async () => {
  store = await createTestStore();
});
after(async () => {
  await store.close();
});

// An hour ago (at .123 s): the rows are inside every retention window, so
// a TTL merge in the background never takes them (a fixed date fell out of
// the 7-day stamp below, and will fall out of the 30-day default).
const T = Math.floor((Date.now() - 3_600_000) / 1000) * 1000 + 123;
let seq = 0;
function call(over: Partial<ToolInvocationRow> = {}): ToolInvocationRow {
  seq++;
  return {
    event_id: `evt-${seq}`,
    org: 'acme',
    workspace: 'prod',
    instance: 'gw-1',
    plugin: 'github',
    tool: 'search',
    actor: 'alice',
    source: 'mcp',
    started_at: T + seq,
    emitted_at: T + seq + 5,
    duration_us: 1200,
    outcome: 'ok',
    error_code: '',
    error_hash: '',
    tokens_in: 10,
    tokens_out: 20,
    trace_id: '0af7651916cd43dd8448eb211c80319c',
    span_id: 'b7ad6b7169203331',
    policy_decision: 'permit',
    policy_rule_id: '',
    source_partition: 0,
    source_offset: String(seq),
    ...over,
  };
}

test('a row round-trips with millisecond timestamps and int64 offsets intact', async () => {
  const row = call({ org: 'roundtrip', started_at: T, emitted_at: T + 7, source_offset: '9223372036854775807', source: 'skill' });
  await insertToolInvocations(store, [row]);
  const rs = await store.client.query({
    query: `SELECT toUnixTimestamp64Milli(started_at) AS s, toUnixTimestamp64Milli(emitted_at) AS e, toString(source_offset) AS o,
                   source, stored_at > started_at AS stored
            FROM tool_invocations WHERE org = {org:String}`,
    query_params: { org: 'roundtrip' },
    format: 'JSONEachRow',
  });
  const [got] = await rs.json<{ s: number | string; e: number | string; o: string; source: string; stored: number }>();
  assert.equal(Number(got?.s), T);
  assert.equal(Number(got?.e), T + 7);
  assert.equal(got?.o, '9223372036854775807');
  assert.equal(got?.source, 'skill');
  assert.equal(got?.stored, 1);
  await insertToolInvocations(store, [call({ org: 'roundtrip-n', source_offset: 2 ** 53 - 1 })]);
  const n = await store.client.query({
    query: 'SELECT toString(source_offset) AS o FROM tool_invocations WHERE org = {org:String}',
    query_params: { org: 'roundtrip-n' },
    format: 'JSONEachRow',
  });
  assert.deepEqual(await n.json(), [{ o: String(2 ** 53 - 1) }]);
});

test('counters per workspace/plugin/tool; errors are error and timeout only', async () => {
  await insertToolInvocations(store, [
    call({ org: 'c1' }),
    call({ org: 'c1', outcome: 'error', error_code: 'UPSTREAM', error_hash: 'ab'.repeat(32) }),
    call({ org: 'c1', outcome: 'timeout' }),
    call({ org: 'c1', outcome: 'denied', policy_decision: 'deny' }),
    call({ org: 'c1', outcome: 'cancelled' }),
    call({ org: 'c1', tool: 'create_issue', outcome: 'error' }),
    call({ org: 'c1', workspace: 'dev', plugin: 'slack', tool: 'post' }),
    call({ org: 'other' }),
  ]);
  assert.deepEqual(await queryToolCallCounters(store, { org: 'c1' }), [
    { workspace: 'dev', plugin: 'slack', tool: 'post', calls: 1, errors: 0 },
    { workspace: 'prod', plugin: 'github', tool: 'create_issue', calls: 1, errors: 1 },
    { workspace: 'prod', plugin: 'github', tool: 'search', calls: 5, errors: 2 },
  ]);
  assert.deepEqual(await queryToolCallCounters(store, { org: 'nobody' }), []);
});

test('a re-delivered batch is counted once, before and after merges', async () => {
  const batch = [call({ org: 'dup' }), call({ org: 'dup', outcome: 'error' }), call({ org: 'dup', tool: 'x' })];
  await insertToolInvocations(store, batch);
  await insertToolInvocations(store, batch); // at-least-once: the same events again
  await insertToolInvocations(store, batch.slice(1));
  const expected = [
    { workspace: 'prod', plugin: 'github', tool: 'search', calls: 2, errors: 1 },
    { workspace: 'prod', plugin: 'github', tool: 'x', calls: 1, errors: 0 },
  ];
  assert.deepEqual(await queryToolCallCounters(store, { org: 'dup' }), expected);
  await store.client.command({ query: 'OPTIMIZE TABLE tool_invocations FINAL' });
  assert.deepEqual(await queryToolCallCounters(store, { org: 'dup' }), expected);
});

test('org values with quotes, backslashes, NUL and SQL are matched literally', async () => {
  const nasty = ["o'rg", 'o"rg', 'o\\rg', 'o\\', 'o\0rg', "x' OR '1'='1", '%', 'o\nrg', 'ø🙂'];
  await insertToolInvocations(store, nasty.map((org) => call({ org, workspace: org })));
  for (const org of nasty) {
    const got = await queryToolCallCounters(store, { org });
    assert.deepEqual(got, [{ workspace: org, plugin: 'github', tool: 'search', calls: 1, errors: 0 }], JSON.stringify(org));
  }
  // Near misses match nothing: no LIKE, no escape collapsing.
  for (const org of ['org', 'o', "o''rg", 'o\\\\rg', 'o']) {
    assert.deepEqual(await queryToolCallCounters(store, { org }), [], JSON.stringify(org));
  }
});

test('inserting nothing is a no-op; a bad row is a non-retriable StoreError', async () => {
  await insertToolInvocations(store, []);
  const bad = call({ outcome: 'exploded' as ToolInvocationRow['outcome'] });
  await assert.rejects(insertToolInvocations(store, [call({ org: 'after-bad' }), bad]), (e: unknown) => {
    return e instanceof StoreError && e.code === 'QUERY_FAILED' && e.retriable === false;
  });
  // Nothing of the refused insert is left over for the next one (the
  // embedded store encodes into a shared buffer: a half-written batch once
  // preceded the next insert's rows and made the engine refuse them).
  await insertToolInvocations(store, [call({ org: 'after-bad', tool: 'next' })]);
  assert.deepEqual(await queryToolCallCounters(store, { org: 'after-bad' }), [{ workspace: 'prod', plugin: 'github', tool: 'next', calls: 1, errors: 0 }]);
});

test('every column reads back as written: enums, null and set kafka_at, retention stamp, text with blank lines and UTF-8', async () => {
  // The embedded engine gets these rows as RowBinary: two 0x0A bytes in a
  // value, a multi-byte character or a length over 127 must not shift a column.
  const rows = [
    call({ org: 'cols', actor: 'line\n\nbreak', source: 'sandbox', outcome: 'timeout', policy_decision: 'permit_with_obligations', kafka_at: T + 9, source_partition: 65535 }),
    call({ org: 'cols', actor: 'ø🙂 ' + 'a'.repeat(300), error_code: 'UPSTREAM', error_hash: 'cd'.repeat(32), policy_rule_id: 'rule-7', kafka_at: null, duration_us: 2 ** 40, tokens_in: 0, tokens_out: 2 ** 33 }),
    call({ org: 'cols', trace_id: '', span_id: '', source: 'skill', outcome: 'cancelled', policy_decision: 'deny' }),
  ];
  await insertToolInvocations(store, rows, (org) => (org === 'cols' ? 7 : 0));
  const rs = await store.client.query({
    query: `SELECT event_id, org, workspace, instance, plugin, tool, actor, toString(source) AS source,
                   toUnixTimestamp64Milli(started_at) AS started_at, toUnixTimestamp64Milli(emitted_at) AS emitted_at,
                   toString(duration_us) AS duration_us, toString(outcome) AS outcome, error_code, error_hash,
                   toString(tokens_in) AS tokens_in, toString(tokens_out) AS tokens_out, trace_id, span_id,
                   toString(policy_decision) AS policy_decision, policy_rule_id, source_partition, toString(source_offset) AS source_offset,
                   toUnixTimestamp64Milli(kafka_at) AS kafka_at, retention_days
            FROM tool_invocations WHERE org = {org:String} ORDER BY event_id`,
    query_params: { org: 'cols' },
    format: 'JSONEachRow',
  });
  const got = await rs.json<Record<string, unknown>>();
  const want = rows
    .map((r) => ({
      ...r,
      started_at: r.started_at,
      emitted_at: r.emitted_at,
      duration_us: String(r.duration_us),
      tokens_in: String(r.tokens_in),
      tokens_out: String(r.tokens_out),
      source_offset: String(r.source_offset),
      kafka_at: r.kafka_at ?? null,
      retention_days: 7,
    }))
    .sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
  assert.deepEqual(
    got.map((g) => ({ ...g, started_at: Number(g.started_at), emitted_at: Number(g.emitted_at), kafka_at: g.kafka_at === null ? null : Number(g.kafka_at) })),
    want,
  );
});
