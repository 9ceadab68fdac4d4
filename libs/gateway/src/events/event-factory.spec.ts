import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditCodec, toolCallCodec } from '@mcpg/events';
import { createMasker } from '@mcpg/masking';
import { continueTrace } from '../trace/trace-context.ts';
import type { CallRecord } from './call-record.ts';
import { EventFactory } from './event-factory.ts';
import { EventIds } from './event-ids.ts';
import { countO200k } from './token-counter.ts';

const GITHUB = 'ghp_' + 'R7sK2mQ9xW4vB8nL3pZ6tY1cF5hJ0dA2gE9u';
const AWS = 'AKIA' + 'Q3EGRT7WLK2M4PXZ';
const factory = new EventFactory({ instance: 'gw-1', masker: createMasker(), countTokens: countO200k, auditPayloadBytes: 256, topics: { calls: 'c', audit: 'a' }, now: () => 1_767_225_600_999 });
const identity = { keyId: 'k', org: 'acme', workspace: 'research', actor: 'agent:triage' };
const trace = continueTrace(['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']);

const call = (over: Partial<CallRecord>): CallRecord => ({
  callId: 'call-1',
  identity,
  name: 'github__search',
  server: 'github',
  tool: 'search',
  startedAt: 1_767_225_600_123,
  durationUs: 1_234,
  outcome: 'ok',
  errorCode: null,
  errorMessage: null,
  arguments: { query: 'is:open label:bug', token: GITHUB },
  argumentBytes: 60,
  argumentsTooLarge: false,
  result: { content: [{ type: 'text', text: `found 3 issues; aws_access_key_id=${AWS} ` + 'lorem ipsum '.repeat(100) }] },
  decision: { kind: 'permit', ruleId: null, obligations: null, reason: '' },
  trace,
  ...over,
});

test('a call gives a ToolCallEvent and an AuditEvent, masked, bounded, with tokens, keyed by org', () => {
  const [c, a] = factory.forCall(call({}));
  assert.ok(c && a);
  assert.equal(c.topic, 'c');
  assert.equal(a.topic, 'a');
  assert.equal(c.key, 'acme');
  assert.equal(c.headers.traceparent, `00-4bf92f3577b34da6a3ce929d0e0e4736-${trace.spanId}-01`);
  for (const r of [c, a]) {
    const raw = r.value.toString('latin1');
    assert.ok(!raw.includes(GITHUB) && !raw.includes(AWS), 'no secret in the bytes');
  }
  const callEvent = toolCallCodec.decode(c.value);
  assert.equal(callEvent.event_id, 'call-1');
  assert.equal(callEvent.plugin, 'github');
  assert.equal(callEvent.trace_id, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(callEvent.span_id, trace.spanId);
  assert.ok(callEvent.tokens_in > 5 && callEvent.tokens_out > 100, `${callEvent.tokens_in} / ${callEvent.tokens_out}`);
  const audit = auditCodec.decode(a.value);
  assert.equal(audit.event_id, 'call-1:audit');
  assert.equal(audit.call_event_id, callEvent.event_id, 'the audit row names its call');
  assert.equal(audit.action, 'tool.call');
  assert.match(audit.arguments ?? '', /"token":"\[REDACTED:github_token\]"/);
  assert.match(audit.response ?? '', /\[REDACTED:aws_access_key_id\]/);
  assert.ok(Buffer.byteLength(audit.response ?? '') <= 256, 'bounded');
  assert.match(audit.response ?? '', /TRUNCATED/);
});

test('a deny is a policy.deny audit event; errors are masked; a call to an unknown tool is a call too, under bounded labels', () => {
  const denied = factory.forCall(call({ outcome: 'denied', errorCode: 'POLICY_DENIED', errorMessage: 'denied', result: null, decision: { kind: 'deny', ruleId: 'r', obligations: null, reason: 'no' } }));
  assert.equal(auditCodec.decode(denied[1]!.value).action, 'policy.deny');
  assert.equal(toolCallCodec.decode(denied[0]!.value).policy_rule_id, 'r');
  const failed = factory.forCall(call({ outcome: 'error', errorCode: 'UPSTREAM_ERROR', errorMessage: `401 for token=${GITHUB}`, result: null }));
  assert.equal(toolCallCodec.decode(failed[0]!.value).error_message, '401 for token=[REDACTED:github_token]');
  const name = `github__${'x'.repeat(100_000)}`;
  const refused = factory.forCall(call({ name, server: 'github', tool: '__unknown__', outcome: 'error', errorCode: 'UNKNOWN_TOOL', errorMessage: 'unknown', result: null }));
  assert.equal(refused.length, 2, 'a ToolCallEvent and an AuditEvent');
  const refusedCall = toolCallCodec.decode(refused[0]!.value);
  assert.deepEqual([refusedCall.plugin, refusedCall.tool, refusedCall.outcome, refusedCall.error_code], ['github', '__unknown__', 'error', 'UNKNOWN_TOOL']);
  const refusedAudit = auditCodec.decode(refused[1]!.value);
  assert.equal(refusedAudit.action, 'tool.call');
  assert.ok(refusedAudit.resource.startsWith('github__xxx') && Buffer.byteLength(refusedAudit.resource) <= 256, 'the name the client sent, bounded');
  const big = factory.forCall(call({ argumentsTooLarge: true, argumentBytes: 9_999_999 }));
  assert.equal(auditCodec.decode(big[1]!.value).arguments, '[TOO_LARGE:9999999 bytes]');
});

test('event ids: fixed per call, never shared', () => {
  const ids = new EventIds('gw-1', 'boot-1');
  const seen = new Set(Array.from({ length: 1000 }, () => ids.next('session-1', 7)));
  assert.equal(seen.size, 1000, 'the same JSON-RPC id twice still gives two ids');
  assert.equal(new EventIds('gw-1', 'boot-1').next('s', 1), new EventIds('gw-1', 'boot-1').next('s', 1), 'deterministic');
  assert.match(ids.next('s', 'x'), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});
