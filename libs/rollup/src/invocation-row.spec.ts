import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ToolCallEvent } from '@mcpg/events';
import { errorHash, toInvocationRow } from './invocation-row.ts';
import { InvalidCallError, validateCall } from './validate-call.ts';

const call: ToolCallEvent = {
  event_id: 'e1',
  org: 'acme',
  workspace: 'prod',
  instance: 'gw-1',
  plugin: 'postgres',
  tool: 'query',
  actor: 'agent-1@acme',
  source: 'mcp',
  started_at: Date.UTC(2026, 10, 1),
  emitted_at: Date.UTC(2026, 10, 1) + 5,
  duration_us: 4200,
  outcome: 'error',
  error_code: 'SQL_ERROR',
  error_message: 'password authentication failed for user "app" (password=hunter2)',
  tokens_in: 10,
  tokens_out: 0,
  trace_id: null,
  span_id: null,
  policy_decision: 'permit',
  policy_rule_id: null,
};

test('the error text is stored only as its BLAKE3 digest', () => {
  const row = toInvocationRow(call, 3, '17');
  assert.equal(row.error_hash, errorHash(call.error_message));
  assert.match(row.error_hash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(row).includes('hunter2'));
  assert.equal(row.error_code, 'SQL_ERROR');
  assert.equal(row.source_partition, 3);
  assert.equal(row.source_offset, 17);
  assert.equal(row.kafka_at, null, 'no Kafka timestamp given');
  assert.equal(toInvocationRow(call, 3, '17', 1_767_225_600_500).kafka_at, 1_767_225_600_500, 'the message timestamp, for the call trace lag split');
});

test('BLAKE3 matches the reference vector, and no message gives no hash', () => {
  // BLAKE3("abc") from the reference implementation.
  assert.equal(errorHash('abc'), '6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85');
  assert.equal(errorHash(null), '');
});

test('rows are a pure function of event and position', () => {
  assert.deepEqual(toInvocationRow(call, 0, '1'), toInvocationRow({ ...call }, 0, '1'));
});

test('events that decode but make no sense are refused with a reason', () => {
  const produced = call.started_at + 50;
  assert.throws(() => validateCall({ ...call, org: '' }, produced), (e: unknown) => e instanceof InvalidCallError && /org is empty/.test(e.message));
  assert.throws(() => validateCall({ ...call, duration_us: -1 }, produced), /duration_us is negative/);
  assert.throws(() => validateCall({ ...call, duration_us: 90_000_000_000 }, produced), /longer than a day/);
  assert.throws(() => validateCall({ ...call, started_at: 5 }, produced), /7 days before/);
  assert.throws(() => validateCall({ ...call, started_at: produced + 2 * 86_400_000 }, produced), /a day after/);
  assert.throws(() => validateCall({ ...call, tool: 'x'.repeat(300) }, produced), /tool is longer/);
  assert.equal(validateCall(call, produced), call);
  // A gateway that spooled for a few days is still in range.
  assert.equal(validateCall(call, produced + 3 * 86_400_000), call);
});
