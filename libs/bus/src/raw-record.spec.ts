import { test } from 'node:test';
import assert from 'node:assert/strict';
import { incoming, rawHeaders, rawRecordOf } from './raw-record.ts';

const at = { topic: 't', partition: 0, offset: '7', timestamp: 1 };

test('kafkajs headers (Buffers, strings, repeated names) keep every value as bytes; the text form keeps the last', () => {
  const raw = rawHeaders({
    traceparent: Buffer.from('00-abc-def-01'),
    plain: 'text',
    repeated: [Buffer.from('first'), Buffer.from('second')],
    gone: undefined,
  });
  assert.deepEqual(raw, {
    traceparent: [Buffer.from('00-abc-def-01')],
    plain: [Buffer.from('text')],
    repeated: [Buffer.from('first'), Buffer.from('second')],
  });
  const m = incoming(at, { key: null, value: null, headers: raw });
  assert.deepEqual(m.headers, { traceparent: '00-abc-def-01', plain: 'text', repeated: 'second' });
  assert.deepEqual(rawHeaders(undefined), {});
});

test('bytes that are not UTF-8 and a null value survive in raw; the text forms are what a decoder reads', () => {
  const key = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
  const header = Buffer.from([0xc3, 0x28]);
  const raw = rawRecordOf({ key, value: null, headers: { h: header, both: ['a', Buffer.from([0xa0])] } });
  const m = incoming(at, raw);
  assert.ok(m.raw.key?.equals(key));
  assert.equal(m.raw.value, null);
  assert.ok(m.raw.headers.h?.[0]?.equals(header));
  assert.deepEqual(m.raw.headers.both, [Buffer.from('a'), Buffer.from([0xa0])]);
  assert.equal(m.value.length, 0, 'a null value reads as empty');
  assert.equal(m.key, '\ufffd\ufffd\u0000\ufffd');
});

test('the log keeps its own copy of what the producer gave', () => {
  const value = Buffer.from('abc');
  const key = Buffer.from('k');
  const raw = rawRecordOf({ key, value });
  value[0] = 0x7a;
  key[0] = 0x7a;
  assert.equal(raw.value?.toString(), 'abc');
  assert.equal(raw.key?.toString(), 'k');
});
