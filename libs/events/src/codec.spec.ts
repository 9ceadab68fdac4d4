import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import { auditCodec, decodeAny, EventError, payloadCodec, toolCallCodec, type EventCodec } from './index.ts';
import { crc64AvroBytes } from './crc64-avro.ts';
import { AUDIT, CALL, CALL_MINIMAL, PAYLOAD } from './fixtures/events.ts';
import { readSchemaFile } from './schema-files.ts';


/** Golden files: hex with optional whitespace and `#` comment lines. */
function readGolden(name: string): string {
  const text = readFileSync(new URL(`golden/${name}`, import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
}

const GOLDEN: ReadonlyArray<readonly [file: string, codec: EventCodec<never>, event: object]> = [
  ['tool-call-event.hex', toolCallCodec as EventCodec<never>, CALL],
  ['audit-event.hex', auditCodec as EventCodec<never>, AUDIT],
  ['tool-call-payload.hex', payloadCodec as EventCodec<never>, PAYLOAD],
];

test('golden bytes: the wire format of a fixed event cannot drift silently', () => {
  for (const [file, codec, event] of GOLDEN) {
    const actual = codec.encode(event as never).toString('hex');
    assert.equal(actual, readGolden(file), `${codec.name} wire bytes changed; if intended (a new schema version), update golden/${file} to:\n${actual}`);
    assert.deepEqual(codec.decode(Buffer.from(readGolden(file), 'hex')), event);
  }
});

test('v1 audit bytes (before call_event_id) still decode: the field reads as null', () => {
  assert.deepEqual(auditCodec.decode(Buffer.from(readGolden('audit-event.v1.hex'), 'hex')), { ...AUDIT, call_event_id: null });
  assert.deepEqual(decodeAny(Buffer.from(readGolden('audit-event.v1.hex'), 'hex')), { kind: 'audit', event: { ...AUDIT, call_event_id: null } });
});

test('single-object header: C3 01 then the CRC-64-AVRO fingerprint little-endian', () => {
  const bytes = toolCallCodec.encode(CALL);
  assert.deepEqual([...bytes.subarray(0, 2)], [0xc3, 0x01]);
  assert.deepEqual(bytes.subarray(2, 10), toolCallCodec.fingerprint);
  assert.equal(toolCallCodec.fingerprint.length, 8);
  assert.notDeepEqual(toolCallCodec.fingerprint, auditCodec.fingerprint);
});

test('round trip gives back plain objects equal to the input', () => {
  for (const event of [CALL, CALL_MINIMAL]) {
    const decoded = toolCallCodec.decode(toolCallCodec.encode(event));
    assert.deepStrictEqual(decoded, event);
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
  }
  assert.deepStrictEqual(auditCodec.decode(auditCodec.encode(AUDIT)), AUDIT);
  const noDetails = { ...AUDIT, latency_us: null, arguments: null, error: null, trace_id: null };
  assert.deepStrictEqual(auditCodec.decode(auditCodec.encode(noDetails)), noDetails);
});

test('every encode returns its own buffer (no shared scratch leaks out)', () => {
  const a = toolCallCodec.encode(CALL);
  const copy = Buffer.from(a);
  const big = toolCallCodec.encode({ ...CALL, error_message: 'x'.repeat(100_000) });
  toolCallCodec.encode(CALL_MINIMAL);
  assert.deepEqual(a, copy);
  assert.equal(toolCallCodec.decode(big).error_message?.length, 100_000);
});

test('decodeAny dispatches on the fingerprint', () => {
  assert.deepStrictEqual(decodeAny(toolCallCodec.encode(CALL)), { kind: 'call', event: CALL });
  assert.deepStrictEqual(decodeAny(auditCodec.encode(AUDIT)), { kind: 'audit', event: AUDIT });
  const stray = Buffer.concat([Buffer.from('c301', 'hex'), Buffer.alloc(8, 0xab), Buffer.from('00', 'hex')]);
  assert.throws(() => decodeAny(stray), { name: 'EventError', code: 'UNKNOWN_FINGERPRINT' });
});

test('decodable by a stock Avro library from the .avsc file alone', () => {
  for (const [file, codec, event] of [
    ['tool-call-event.avsc', toolCallCodec, CALL],
    ['audit-event.avsc', auditCodec, AUDIT],
  ] as const) {
    // A fresh avsc type with default options, knowing nothing of this codec.
    const stock = avsc.Type.forSchema(readSchemaFile(file) as avsc.Schema);
    const bytes = (codec as EventCodec<object>).encode(event);
    // The header's fingerprint is what any Avro library computes from the file's canonical form.
    assert.deepEqual(bytes.subarray(2, 10), crc64AvroBytes(Buffer.from(JSON.stringify(stock.schema()))));
    assert.deepEqual({ ...stock.fromBuffer(bytes.subarray(10)) }, event);
    // And the reverse: what the stock library writes, the codec reads.
    const written = Buffer.concat([bytes.subarray(0, 10), stock.toBuffer(event)]);
    assert.deepStrictEqual((codec as EventCodec<object>).decode(written), event);
  }
});

test('encode rejects an invalid event with INVALID_EVENT naming the field', () => {
  const cases: ReadonlyArray<readonly [value: unknown, field: string, text: RegExp]> = [
    [{ ...CALL, outcome: 'exploded' }, 'outcome', /outcome: "exploded" is not one of ok\|error\|denied\|timeout\|cancelled/],
    [{ ...CALL, org: undefined }, 'org', /org: missing \(string\)/],
    [{ ...CALL, duration_us: 1.5 }, 'duration_us', /duration_us: expected an integer \(long\), got a fractional number/],
    [{ ...CALL, started_at: 2 ** 60 }, 'started_at', /started_at: expected an integer \(long\), got an integer beyond ±\(2\^53 - 2\)/],
    [{ ...CALL, trace_id: 42 }, 'trace_id', /trace_id: expected string or null, got a number/],
    [{ ...CALL, tokensIn: 5 }, '', /event: undeclared field\(s\) tokensIn/],
    [null, '', /event: expected ToolCallEvent record, got null/],
  ];
  for (const [value, field, text] of cases) {
    assert.throws(
      () => toolCallCodec.encode(value as never),
      (e: unknown) => e instanceof EventError && e.code === 'INVALID_EVENT' && e.field === field && text.test(e.message) && !e.retriable,
      JSON.stringify({ field, text: String(text) }),
    );
  }
});

test('encode reports every invalid field, and never echoes free-text values', () => {
  const secret = 'sk-live-0123456789';
  try {
    toolCallCodec.encode({ ...CALL, org: 7, source: 'pipe', error_message: { secret }, extra: secret } as never);
    assert.fail('encode should throw');
  } catch (e) {
    assert.ok(e instanceof EventError);
    assert.match(e.message, /org: .*source: .*error_message: .*event: undeclared field\(s\) extra/);
    assert.equal(e.field, 'org');
    assert.doesNotMatch(e.message, /sk-live/);
  }
});

test('a field with a schema default may be left out by JavaScript callers: the default is written', () => {
  const { tokens_in: _in, policy_rule_id: _rule, ...partial } = CALL;
  const decoded = toolCallCodec.decode(toolCallCodec.encode(partial as never));
  assert.equal(decoded.tokens_in, 0);
  assert.equal(decoded.policy_rule_id, null);
});
