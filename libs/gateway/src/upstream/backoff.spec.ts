import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './backoff.ts';

test('restart delays double up to the cap, and start over after a healthy period', () => {
  let now = 0;
  const b = new Backoff(100, 1_000, () => now);
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 800, 1_000, 1_000]);
  b.connected();
  now += 500;
  assert.equal(b.next(), 1_000, 'up only briefly: still backing off');
  b.connected();
  now += 1_000;
  assert.equal(b.next(), 100, 'up for maxDelayMs: healthy again');
});
