// The RowBinary writer refuses a value its column type cannot hold, where
// Buffer's own writers would store NaN as 0 (a started_at of 1970 that the
// TTL then drops without a word), and a refused batch leaves nothing behind
// in the shared writer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StoreError } from '../errors.ts';
import { RowBinaryWriter } from './row-binary.ts';

const refusal = (type: string) => (err: unknown) => err instanceof StoreError && err.code === 'QUERY_FAILED' && err.message.includes(`RowBinary ${type}:`);

test('a value of the wrong type or out of range is refused, naming the type and the value', () => {
  const w = new RowBinaryWriter(64);
  // A time as text, as a JSON answer gives it: NaN to Buffer, stored as 1970.
  assert.throws(() => w.int64('2026-12-05 10:00:00.000' as unknown as number), (err: unknown) => refusal('Int64')(err) && (err as Error).message.includes('"2026-12-05 10:00:00.000"'));
  assert.throws(() => w.int64(1.5), refusal('Int64'));
  assert.throws(() => w.uint64(-1), refusal('UInt64'));
  assert.throws(() => w.uint64(2 ** 53), refusal('UInt64'));
  assert.throws(() => w.uint8(undefined as unknown as number), refusal('UInt8'));
  assert.throws(() => w.uint8(256), refusal('UInt8'));
  assert.throws(() => w.uint16(70_000), refusal('UInt16'));
  assert.throws(() => w.uint32(-1), refusal('UInt32'));
  assert.throws(() => w.float64('1.5' as unknown as number), refusal('Float64'));
});

test('values in range are written little-endian', () => {
  const w = new RowBinaryWriter(8);
  const bytes = w.encode((x) => {
    x.uint8(255);
    x.uint16(0x0102);
    x.int64(-2);
    x.uint64(2 ** 53 - 1);
  });
  assert.deepEqual([...bytes.subarray(0, 3)], [255, 0x02, 0x01]);
  assert.equal(bytes.readBigInt64LE(3), -2n);
  assert.equal(bytes.readBigUInt64LE(11), 2n ** 53n - 1n);
});

test('a batch refused halfway leaves nothing for the next one', () => {
  const w = new RowBinaryWriter(8);
  assert.throws(() =>
    w.encode((x) => {
      x.uint16(7);
      x.int64(Number.NaN);
    }),
  );
  assert.deepEqual([...w.encode((x) => x.uint16(5))], [5, 0]);
});
