import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LagTracker } from './lag-tracker.ts';

test('quantiles of the recent lags follow each new record, also after being read', () => {
  const lag = new LagTracker(4);
  assert.ok(Number.isNaN(lag.quantile(0.5)));
  lag.record([1000, 990, 900], 1000); // lags 0, 10, 100
  assert.equal(lag.quantile(0.5), 10);
  assert.equal(lag.quantile(0.99), 100);
  // Read once; a later record must not be answered from what was read before.
  lag.record([0, 0], 5000); // lags 5000, 5000; the ring of 4 drops the lag 0
  assert.equal(lag.quantile(0.5), 5000);
  assert.equal(lag.quantile(0), 10);
  assert.equal(lag.lastStoredAt, 5000);
});
