import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import avsc from 'avsc';
import { auditCodec, decodeAny, EVENT_ERROR_CODES, EventError, toolCallCodec, type EventErrorCode } from './index.ts';
import { AUDIT, CALL } from './fixtures/events.ts';
import { varint } from './fixtures/avro-bytes.ts';

const stock = avsc.Type.forSchema(
  JSON.parse(readFileSync(new URL('../../../schemas/avro/tool-call-event.avsc', import.meta.url), 'utf8')),
) as avsc.types.RecordType;
const valid = toolCallCodec.encode(CALL);
const header = valid.subarray(0, 10);

const varintBytes = (n: bigint): Buffer => Buffer.from(varint(n));

/** CALL's message with one field's bytes replaced by `raw`. */
function messageWith(field: string, raw: Buffer): Buffer {
  return Buffer.concat([
    header,
    ...stock.fields.map((f) => (f.name === field ? raw : f.type.toBuffer((CALL as unknown as Record<string, unknown>)[f.name]))),
  ]);
}

function assertEventError(bytes: Buffer, code: EventErrorCode, field?: string): EventError {
  let caught: unknown;
  try {
    toolCallCodec.decode(bytes);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof EventError, `expected EventError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.retriable, false);
  if (field !== undefined) assert.equal(caught.field, field, caught.message);
  return caught;
}

test('the body builder reproduces the codec bytes (so the forged cases differ only where meant)', () => {
  assert.deepEqual(messageWith('none', Buffer.alloc(0)), valid);
});

test('BAD_MAGIC: bytes that are not single-object encoded', () => {
  assertEventError(Buffer.from('{"event_id":"x"}'), 'BAD_MAGIC');
  assertEventError(Buffer.from([0x00]), 'BAD_MAGIC');
  assertEventError(Buffer.concat([Buffer.from([0xc3, 0x02]), valid.subarray(2)]), 'BAD_MAGIC');
  // A Confluent wire-format message (magic 0, 4-byte schema id) is not ours either.
  assertEventError(Buffer.concat([Buffer.from([0, 0, 0, 0, 7]), valid.subarray(10)]), 'BAD_MAGIC');
});

test('TRUNCATED: a header cut short, and the body cut at every length', () => {
  assertEventError(Buffer.alloc(0), 'TRUNCATED');
  assertEventError(Buffer.from([0xc3]), 'TRUNCATED');
  assertEventError(valid.subarray(0, 9), 'TRUNCATED');
  for (let end = 10; end < valid.length; end++) assertEventError(valid.subarray(0, end), 'TRUNCATED');
});

test('TRUNCATED: a huge length prefix is refused at once, without allocating for it', () => {
  const forged = messageWith('event_id', varintBytes(2n ** 62n));
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  for (let i = 0; i < 1000; i++) assertEventError(forged, 'TRUNCATED', 'event_id');
  assert.ok(performance.now() - started < 2000, 'decoding forged lengths must stay cheap');
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * 1024 * 1024);
  assert.match(assertEventError(forged, 'TRUNCATED').message, /string length 4611686018427387904 exceeds the \d+ byte\(s\) left/);
});

test('TRAILING_BYTES: anything after the body', () => {
  const e = assertEventError(Buffer.concat([valid, Buffer.from([0])]), 'TRAILING_BYTES');
  assert.match(e.message, /1 byte\(s\) left/);
});

test('UNKNOWN_FINGERPRINT: a schema this reader was never given', () => {
  const other = Buffer.from(valid);
  other.writeBigUInt64LE(0x0123456789abcdefn, 2);
  assert.match(assertEventError(other, 'UNKNOWN_FINGERPRINT').message, /efcdab8967452301/);
});

test('SCHEMA_MISMATCH: another event type', () => {
  assertEventError(auditCodec.encode(AUDIT), 'SCHEMA_MISMATCH');
  assert.throws(() => auditCodec.decode(valid), { code: 'SCHEMA_MISMATCH' });
});

test('CORRUPT_BODY: values no writer could have produced, with the field named', () => {
  assertEventError(messageWith('org', varintBytes(-3n)), 'CORRUPT_BODY', 'org');
  assertEventError(messageWith('source', varintBytes(3n)), 'CORRUPT_BODY', 'source');
  assertEventError(messageWith('outcome', varintBytes(-1n)), 'CORRUPT_BODY', 'outcome');
  assertEventError(messageWith('error_code', varintBytes(2n)), 'CORRUPT_BODY', 'error_code');
  assertEventError(messageWith('policy_rule_id', varintBytes(-1n)), 'CORRUPT_BODY', 'policy_rule_id');
  // Beyond what a JS number holds exactly: rejected, never rounded.
  assertEventError(messageWith('started_at', varintBytes(2n ** 60n)), 'CORRUPT_BODY', 'started_at');
  assertEventError(messageWith('tokens_in', varintBytes(9_007_199_254_740_991n)), 'CORRUPT_BODY', 'tokens_in');
  // An 11-byte varint cannot be a 64-bit long.
  assertEventError(messageWith('duration_us', Buffer.from([...Array(10).fill(0xff), 0x01])), 'CORRUPT_BODY', 'duration_us');
  assert.match(assertEventError(messageWith('source', varintBytes(3n)), 'CORRUPT_BODY').message, /CallSource enum index 3 is out of range 0\.\.2/);
});

test('decodeAny fails the same way', () => {
  assert.throws(() => decodeAny(Buffer.from('nope')), { code: 'BAD_MAGIC' });
  assert.throws(() => decodeAny(valid.subarray(0, 20)), { code: 'TRUNCATED' });
  assert.throws(() => decodeAny(messageWith('source', varintBytes(9n))), { code: 'CORRUPT_BODY' });
});

/** xorshift32: a fixed sequence, so a failure reproduces. */
function prng(seed: number): (n: number) => number {
  let x = seed;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

test('fuzz: mutated and random messages either decode to a valid event or throw an EventError', () => {
  const rnd = prng(0x5eed);
  const seen = new Set<string>();
  const inputs = [valid, toolCallCodec.encode({ ...CALL, error_code: null, trace_id: null })];
  for (let i = 0; i < 5000; i++) {
    const base = inputs[i % inputs.length] as Buffer;
    let bytes: Buffer;
    switch (rnd(3)) {
      case 0: {
        bytes = Buffer.from(base);
        for (let k = 0, n = 1 + rnd(3); k < n; k++) bytes[10 + rnd(bytes.length - 10)] = rnd(256);
        break;
      }
      case 1:
        bytes = Buffer.concat([header, Buffer.from(Array.from({ length: rnd(200) }, () => rnd(256)))]);
        break;
      default:
        bytes = Buffer.concat([base.subarray(0, 10 + rnd(base.length - 10)), Buffer.from([rnd(256), rnd(256)])]);
    }
    try {
      const event = toolCallCodec.decode(bytes);
      toolCallCodec.encode(event); // whatever decodes is a valid event
      seen.add('decoded');
    } catch (e) {
      assert.ok(e instanceof EventError, `not an EventError for ${bytes.toString('hex')}: ${String(e)}`);
      assert.ok(EVENT_ERROR_CODES.includes(e.code));
      seen.add(e.code);
    }
  }
  for (const expected of ['decoded', 'TRUNCATED', 'TRAILING_BYTES', 'CORRUPT_BODY']) assert.ok(seen.has(expected), expected);
});
