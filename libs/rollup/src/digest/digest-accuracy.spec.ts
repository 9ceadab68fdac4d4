// Accuracy of the whole path an operator's p99 takes: lognormal latencies
// folded per minute into rollup rows, minute rows merged into hours, hours
// into a day, quantiles read from the day's digest, compared against the
// exact quantiles of the same values. Rank error = |F_exact(estimate) − q|.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, lognormal, seeded, T0 } from '../fold/call-fixture.ts';
import { latestVersions } from '../fold/latest-versions.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, mergeAggregates, toAggregate, type RollupAggregate } from '../fold/merge-rollups.ts';
import { RollupFold } from '../fold/rollup-fold.ts';
import { digestQuantile } from './quantile.ts';

const LIMITS: readonly (readonly [q: number, maxRankError: number])[] = [
  [0.5, 0.005],
  [0.9, 0.005],
  [0.95, 0.005],
  [0.99, 0.001],
];

/** Mid-rank empirical CDF of sorted values at x: ties count half. */
function cdf(sorted: Float64Array, x: number): number {
  const below = lowerBound(sorted, x, false);
  const atOrBelow = lowerBound(sorted, x, true);
  return (below + atOrBelow) / 2 / sorted.length;
}

function lowerBound(sorted: Float64Array, x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x || (inclusive && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function rankErrors(digest: RollupAggregate, values: number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  return LIMITS.map(([q]) => Math.abs(cdf(sorted, digestQuantile(digest.latency, q)) - q));
}

for (const { name, median, sigma, perMinute, seed } of [
  { name: 'steady traffic, sigma 1.2', median: 40, sigma: 1.2, perMinute: 300, seed: 1 },
  { name: 'heavy tail, sigma 2', median: 15, sigma: 2, perMinute: 200, seed: 2 },
  { name: 'sparse traffic, a few calls a minute', median: 80, sigma: 1, perMinute: 7, seed: 3 },
]) {
  test(`minutes → hour → day quantiles within the rank-error budget: ${name}`, (t) => {
    const rand = seeded(seed);
    const fold = new RollupFold();
    const values: number[] = [];
    const firstHour: number[] = [];
    let offset = 0;
    for (let minute = 0; minute < 1440; minute++) {
      for (let i = 0; i < perMinute; i++) {
        const durationUs = Math.max(1, Math.round(lognormal(rand, median, sigma) * 1000));
        values.push(durationUs / 1000);
        if (minute < 60) firstHour.push(durationUs / 1000);
        fold.add(0, offset++, call({ started_at: T0 + minute * 60_000 + Math.floor(rand() * 60_000), duration_us: durationUs }));
      }
    }
    // A minute that spans two offset chunks has a row in each: merge them first.
    const minutes = mergeAggregates(latestVersions(fold.takeRows()).map(toAggregate), MINUTE_MS);
    assert.equal(minutes.length, 1440);
    const hours = mergeAggregates(minutes, HOUR_MS);
    const [day] = mergeAggregates(hours, DAY_MS);
    assert.ok(day && hours[0]);
    assert.equal(day.calls, values.length);

    const dayErrors = rankErrors(day, values);
    const hourErrors = rankErrors(hours[0], firstHour);
    const report = LIMITS.map(([q], i) => `p${q * 100} ${dayErrors[i]!.toExponential(1)}`).join(', ');
    t.diagnostic(`day rank errors ${report}; ${day.latency.means.length} centroids`);
    LIMITS.forEach(([q, limit], i) => {
      assert.ok(dayErrors[i]! <= limit, `day p${q * 100}: rank error ${dayErrors[i]} > ${limit}`);
      assert.ok(hourErrors[i]! <= limit, `hour p${q * 100}: rank error ${hourErrors[i]} > ${limit}`);
    });
  });
}
