import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CALL_OUTCOMES, CALL_SOURCES, POLICY_DECISIONS, toolCallCodec, type ToolCallEvent } from '@mcpg/events';
import { toInvocationRow, validateCall } from '@mcpg/rollup';
import { CallRowTranscoder, TRANSCODED_CALL_FINGERPRINT } from './call-row-transcoder.ts';
import { encodeInvocationsRowBinary } from './invocations-row-binary.ts';
import { encodeInvocationRow } from './insert-tool-invocations.ts';

const T0 = Date.UTC(2026, 11, 7, 12);

// A small deterministic generator: the same cases on every run.
let seed = 7;
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
const TEXT = ['a', 'acme', 'prod-eu', 'gw-1', 'postgres', 'query', 'café', '日本語のツール', 'emoji 😀 tool', 'x'.repeat(33), 'y'.repeat(130), 'z'.repeat(256), 'ü'.repeat(128)];
const maybe = (): string | null => (rand(3) === 0 ? null : pick([...TEXT, '']));

function randomCall(): ToolCallEvent {
  return {
    event_id: `e-${rand(1e9)}-${pick(TEXT)}`.slice(0, 200),
    org: pick(TEXT),
    workspace: pick(TEXT),
    instance: pick([...TEXT, '']),
    plugin: pick(TEXT),
    tool: pick(TEXT),
    actor: pick([...TEXT, '', 'w'.repeat(400)]),
    source: pick(CALL_SOURCES),
    started_at: T0 - rand(3_600_000),
    emitted_at: T0 + rand(1000),
    duration_us: pick([0, 1, rand(5_000_000), 86_400_000_000]),
    outcome: pick(CALL_OUTCOMES),
    error_code: maybe(),
    error_message: maybe(),
    tokens_in: pick([0, rand(100_000), 2 ** 40 + 3]),
    tokens_out: pick([0, rand(100_000)]),
    trace_id: maybe(),
    span_id: maybe(),
    policy_decision: pick(POLICY_DECISIONS),
    policy_rule_id: maybe(),
  };
}

/** The general path's row: decode, validate, the row object, RowBinary. */
function generalRow(bytes: Buffer, partition: number, offset: number, kafkaAt: number): Buffer {
  const event = validateCall(toolCallCodec.decode(bytes), kafkaAt);
  return encodeInvocationsRowBinary([toInvocationRow(event, partition, String(offset), kafkaAt)]);
}

test('the transcoder reads the schema the codec writes (update it with the schema)', () => {
  assert.equal(toolCallCodec.fingerprint.toString('hex'), TRANSCODED_CALL_FINGERPRINT, 'tool-call-event.avsc changed: make call-row-transcoder.ts read the new layout');
  assert.equal(new CallRowTranscoder(toolCallCodec.fingerprint).active, true);
  assert.equal(new CallRowTranscoder(Buffer.alloc(8)).active, false);
});

test('a call read from its bytes gives the same row, byte for byte, and the same labels and figures as the general path', () => {
  const t = new CallRowTranscoder(toolCallCodec.fingerprint);
  let read = 0;
  for (let i = 0; i < 3000; i++) {
    const call = randomCall();
    const bytes = toolCallCodec.encode(call);
    const partition = rand(12);
    const offset = pick([i, 2 ** 40 + i]);
    const got = t.transcode(bytes, partition, offset, T0);
    const labelsPass = [call.event_id, call.org, call.workspace, call.plugin, call.tool].every((s) => s.length > 0 && Buffer.byteLength(s) <= 256);
    // Labels of more than 256 bytes (some within 256 UTF-16 units) go the general way, which judges them.
    assert.equal(got !== undefined, labelsPass, JSON.stringify(call));
    if (!got) continue;
    read++;
    assert.deepEqual(got.row.subarray(got.start, got.end), generalRow(bytes, partition, offset, T0), JSON.stringify(call));
    const { org, workspace, plugin, tool, started_at, duration_us, outcome, tokens_in, tokens_out } = got;
    assert.deepEqual(
      { org, workspace, plugin, tool, started_at, duration_us, outcome, tokens_in, tokens_out },
      { org: call.org, workspace: call.workspace, plugin: call.plugin, tool: call.tool, started_at: call.started_at, duration_us: call.duration_us, outcome: call.outcome, tokens_in: call.tokens_in, tokens_out: call.tokens_out },
    );
  }
  assert.ok(read > 1000, `only ${read} calls took the fast path`);
});

test('rows stay intact as the slab fills: each is its own range, earlier ones untouched', () => {
  const t = new CallRowTranscoder(toolCallCodec.fingerprint);
  const kept: { bytes: Buffer; got: NonNullable<ReturnType<CallRowTranscoder['transcode']>> }[] = [];
  const call = { ...randomCall(), org: 'acme', workspace: 'w', plugin: 'p', tool: 't', event_id: 'e', actor: 'a'.repeat(5000) };
  for (let i = 0; i < 600; i++) {
    const bytes = toolCallCodec.encode({ ...call, event_id: `e${i}` });
    kept.push({ bytes, got: t.transcode(bytes, 1, i, T0)! });
  }
  assert.ok(new Set(kept.map((k) => k.got.row)).size > 1, 'several slabs used');
  kept.forEach(({ bytes, got }, i) => assert.deepEqual(got.row.subarray(got.start, got.end), generalRow(bytes, 1, i, T0)));
});

test('what is not the plain case is left to the general path, which gives the verdict', () => {
  const t = new CallRowTranscoder(toolCallCodec.fingerprint);
  const call: ToolCallEvent = { ...randomCall(), event_id: 'e1', org: 'acme', workspace: 'w', plugin: 'p', tool: 't', actor: 'ab', duration_us: 5 };
  const bytes = toolCallCodec.encode(call);
  assert.ok(t.transcode(bytes, 0, 1, T0), 'the plain case is read');

  const otherSchema = Buffer.from(bytes);
  otherSchema[2] = otherSchema[2]! ^ 0xff;
  assert.equal(t.transcode(otherSchema, 0, 1, T0), undefined, 'another fingerprint');
  assert.equal(t.transcode(bytes.subarray(0, bytes.length - 1), 0, 1, T0), undefined, 'truncated');
  assert.throws(() => toolCallCodec.decode(bytes.subarray(0, bytes.length - 1)));
  assert.equal(t.transcode(Buffer.concat([bytes, Buffer.from([0])]), 0, 1, T0), undefined, 'trailing bytes');
  assert.throws(() => toolCallCodec.decode(Buffer.concat([bytes, Buffer.from([0])])), /TRAILING|left after/);

  // Bytes that are not UTF-8 where the actor is: the general path reads U+FFFD, so its row is what is stored.
  const at = bytes.indexOf(Buffer.from('ab'));
  const notUtf8 = Buffer.from(bytes);
  notUtf8[at] = 0xff;
  assert.equal(t.transcode(notUtf8, 0, 1, T0), undefined, 'not UTF-8');
  assert.equal(toolCallCodec.decode(notUtf8).actor, '\ufffdb');

  for (const bad of [{ org: '' }, { tool: 'x'.repeat(257) }, { event_id: '' }, { duration_us: -1 }, { tokens_in: -5 }]) {
    const b = toolCallCodec.encode({ ...call, ...bad });
    assert.equal(t.transcode(b, 0, 1, T0), undefined, JSON.stringify(bad));
    assert.throws(() => validateCall(toolCallCodec.decode(b), T0), { code: 'INVALID_CALL' });
  }
  assert.equal(t.transcode(bytes, 0, 2 ** 53, T0), undefined, 'an offset beyond 2^53');
  assert.equal(new CallRowTranscoder(Buffer.alloc(8)).transcode(bytes, 0, 1, T0), undefined, 'inactive');
});

test('a row the general path encodes is the same bytes as the transcoder writes', () => {
  const t = new CallRowTranscoder(toolCallCodec.fingerprint);
  const call = { ...randomCall(), org: 'acme', workspace: 'w', plugin: 'p', tool: 't', event_id: 'e9' };
  const bytes = toolCallCodec.encode(call);
  const got = t.transcode(bytes, 3, 42, T0)!;
  const general = encodeInvocationRow(toInvocationRow(toolCallCodec.decode(bytes), 3, '42', T0));
  assert.equal(general.org, 'acme');
  assert.deepEqual(general.row.subarray(general.start, general.end), got.row.subarray(got.start, got.end));
});
