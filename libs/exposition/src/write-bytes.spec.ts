import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatValue } from './format-value.ts';
import { MAX_NUMBER_BYTES, writeNumber } from './write-bytes.ts';

// The byte writer must spell every number exactly as formatValue does (the
// shortest form that Go's ParseFloat reads back to the same float64).
function written(v: number): string {
  const buf = Buffer.alloc(MAX_NUMBER_BYTES + 8);
  const end = writeNumber(buf, 3, v);
  assert.ok(end - 3 <= MAX_NUMBER_BYTES, `${v} took ${end - 3} bytes`);
  return buf.toString('latin1', 3, end);
}

test('integers, fractions and specials are written as formatValue spells them', () => {
  const cases = [
    0, -0, 1, 9, 10, 99, 100, 12345, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 7, 9_999_999_999, 10_000_000_000, 123_456_789_012_345,
    Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, -42, 2 ** 53, 1e21, 1.5e300, -1e-7, 5e-7, 0.1, 0.05, 1.001, 12.5, 250.25,
    -0.75, 0.001, 0.0001, 123.456, 123.4567, 9_007_199_254_740.5, Number.MIN_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, NaN,
  ];
  for (const v of cases) assert.equal(written(v), formatValue(v), String(v));
});

test('random values agree with formatValue', () => {
  let seed = 1;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  for (let i = 0; i < 20_000; i++) {
    const kind = i % 4;
    const v =
      kind === 0
        ? Math.floor(rand() * 10 ** Math.floor(rand() * 16))
        : kind === 1
          ? Math.round(rand() * 1e9) / 1000 // latencies in ms with µs resolution
          : kind === 2
            ? (rand() - 0.5) * 10 ** (Math.floor(rand() * 40) - 20)
            : -Math.round(rand() * 1e7) / 100;
    assert.equal(written(v), formatValue(v), String(v));
  }
});
