import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHeaders } from './kafka-consumer.ts';

test('kafkajs headers (Buffers, strings, repeated keys) decode to strings, last value wins', () => {
  assert.deepEqual(
    decodeHeaders({
      traceparent: Buffer.from('00-abc-def-01'),
      plain: 'text',
      repeated: [Buffer.from('first'), Buffer.from('second')],
      gone: undefined,
    }),
    { traceparent: '00-abc-def-01', plain: 'text', repeated: 'second' },
  );
  assert.deepEqual(decodeHeaders(undefined), {});
});
