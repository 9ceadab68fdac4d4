import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { guardRequestQueueTimer } from './request-queue-timer.ts';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  destroy(): void;
}
const RequestQueue = createRequire(import.meta.url)('kafkajs/src/network/requestQueue/index.js') as new (o: object) => Queue;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const queue = () => new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'spec', broker: 'localhost:9092', logger: quiet });

test('with the guard, a request queue with nothing waiting arms no timer; a throttled one still does', () => {
  guardRequestQueueTimer();
  guardRequestQueueTimer(); // a second install changes nothing
  const idle = queue();
  const throttled = queue();
  try {
    idle.checkPendingRequests(); // what kafkajs runs after every answer
    assert.equal(idle.throttleCheckTimeoutId ?? null, null);
    throttled.throttledUntil = Date.now() + 60_000;
    throttled.checkPendingRequests();
    assert.notEqual(throttled.throttleCheckTimeoutId ?? null, null);
  } finally {
    idle.destroy();
    throttled.destroy();
  }
});
