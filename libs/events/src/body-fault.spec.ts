// Schemas with arrays or maps: avsc trusts block counts, so the codec walks
// such messages first. Neither event schema has one today; this keeps a
// future version from turning a forged count into a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AvroEventCodec } from './codec.ts';
import { EventError } from './errors.ts';
import { SchemaRegistry } from './schema-registry.ts';
import { varint } from './fixtures/avro-bytes.ts';

interface WithLists {
  tags: string[];
  markers: null[];
  attrs: Record<string, number>;
}

const codec = new AvroEventCodec<WithLists>(
  {
    type: 'record',
    name: 'WithLists',
    namespace: 'test',
    fields: [
      { name: 'tags', type: { type: 'array', items: 'string' } },
      { name: 'markers', type: { type: 'array', items: 'null' } },
      { name: 'attrs', type: { type: 'map', values: 'long' } },
    ],
  },
  new SchemaRegistry(),
);
const header = codec.encode({ tags: [], markers: [], attrs: {} }).subarray(0, 10);
const EMPTY = 0x00;

const frame = (...body: number[]): Buffer => Buffer.concat([header, Buffer.from(body)]);

function assertFault(bytes: Buffer, code: string, field: string): void {
  const started = performance.now();
  assert.throws(
    () => codec.decode(bytes),
    (e: unknown) => e instanceof EventError && e.code === code && e.field === field,
  );
  assert.ok(performance.now() - started < 1000, 'a forged count must be refused without iterating it');
}

test('arrays and maps round-trip, including blocks written with a negative count and a byte size', () => {
  const value = { tags: ['a', 'bc'], markers: [null, null], attrs: { x: 1, y: -2 } };
  assert.deepStrictEqual(codec.decode(codec.encode(value)), value);
  // tags as one block of -2 items, 5 bytes: "a", "bc".
  const sized = frame(...varint(-2n), ...varint(5n), 2, 0x61, 4, 0x62, 0x63, EMPTY, EMPTY, EMPTY);
  assert.deepStrictEqual(codec.decode(sized), { tags: ['a', 'bc'], markers: [], attrs: {} });
});

test('a forged block count larger than the bytes left is TRUNCATED at once', () => {
  assertFault(frame(...varint(2n ** 40n), 2, 0x61), 'TRUNCATED', 'tags');
  assertFault(frame(EMPTY, EMPTY, ...varint(2n ** 50n), 2, 0x78, 2), 'TRUNCATED', 'attrs');
});

test('zero-width items are bounded by count: a million nulls is not an event', () => {
  assertFault(frame(EMPTY, ...varint(2n ** 60n), EMPTY, EMPTY), 'CORRUPT_BODY', 'markers');
  assert.equal(codec.decode(frame(EMPTY, ...varint(1000n), EMPTY, EMPTY)).markers.length, 1000);
});

test('a fault inside an item names its position', () => {
  assertFault(frame(...varint(2n), 2, 0x61, ...varint(-4n)), 'CORRUPT_BODY', 'tags.1');
});
