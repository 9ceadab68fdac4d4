import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestQuantile } from '../digest/quantile.ts';
import { call, lognormal, seeded, T0 } from './call-fixture.ts';
import { chunkStart } from './fold-options.ts';
import { latestVersions } from './latest-versions.ts';
import { RollupFold, type PositionedCall } from './rollup-fold.ts';
import { TIER_ROLLUP_KEY_COLUMNS, type TierRollupRow } from './rollup-row.ts';

const H = 3_600_000;
const D = 24 * H;

// Two partitions, three tools, five hours straddling midnight.
function log(n: number, seed: number): PositionedCall[] {
  const rand = seeded(seed);
  const next = [0, 0];
  return Array.from({ length: n }, (_, i) => {
    const partition = rand() < 0.5 ? 0 : 1;
    const offset = next[partition]!++;
    const event = call({
      tool: `t${Math.floor(rand() * 3)}`,
      started_at: T0 - 2 * H + Math.floor((i / n) * 5 * H),
      duration_us: Math.round(lognormal(rand, 30, 1) * 1000),
      outcome: rand() < 0.05 ? 'error' : 'ok',
    });
    return { partition, offset, event };
  });
}

const sorted = (rows: readonly TierRollupRow[]) => rows.map((r) => JSON.stringify(r)).sort().join('\n');

/** A worker's writes, killed `kills` times at random and resumed at the committed chunk start; the table keeps every version. */
function killedWorker(
  events: readonly PositionedCall[],
  kills: number,
  seed: number,
): { hours: TierRollupRow[]; days: TierRollupRow[]; orgMinutes: TierRollupRow[]; orgHours: TierRollupRow[]; orgDays: TierRollupRow[] } {
  const chunkSize = 1_000;
  const hours: TierRollupRow[] = [];
  const days: TierRollupRow[] = [];
  const orgMinutes: TierRollupRow[] = [];
  const orgHours: TierRollupRow[] = [];
  const orgDays: TierRollupRow[] = [];
  const takeOrg = (fold: RollupFold) => {
    const org = fold.takeOrgRollups();
    orgMinutes.push(...org.minutes);
    orgHours.push(...org.hours);
    orgDays.push(...org.days);
  };
  const committed = new Map<number, number>();
  const rand = seeded(seed);
  for (let life = 0; ; life++) {
    const fold = new RollupFold({ chunkSize });
    const resume = new Map([0, 1].map((p) => [p, chunkStart(committed.get(p) ?? 0, chunkSize)]));
    const last = new Map<number, number>();
    const killAfter = life < kills ? 500 + Math.floor(rand() * 3_000) : Infinity;
    let processed = 0;
    for (const e of events) {
      if (e.offset < resume.get(e.partition)!) continue;
      if (processed++ >= killAfter) break;
      fold.add(e.partition, e.offset, e.event);
      last.set(e.partition, e.offset);
      if (rand() < 0.005) {
        hours.push(...fold.takeHourRollups());
        days.push(...fold.takeDayRollups());
        takeOrg(fold);
        if (rand() < 0.8) for (const [p, o] of last) committed.set(p, o + 1);
      }
    }
    if (killAfter === Infinity) {
      hours.push(...fold.takeHourRollups());
      days.push(...fold.takeDayRollups());
      takeOrg(fold);
      return { hours, days, orgMinutes, orgHours, orgDays };
    }
  }
}

test('hour and day digest rows: same rows whatever the batches and kills, every call counted once', () => {
  const events = log(12_000, 3);
  const clean = killedWorker(events, 0, 1);
  const killed = killedWorker(events, 5, 2);
  for (const tier of ['hours', 'days', 'orgMinutes', 'orgHours', 'orgDays'] as const) {
    const a = latestVersions(clean[tier], TIER_ROLLUP_KEY_COLUMNS);
    const b = latestVersions(killed[tier], TIER_ROLLUP_KEY_COLUMNS);
    assert.ok(killed[tier].length > b.length, `the kills made the worker write some ${tier} again`);
    assert.equal(sorted(b), sorted(a), tier);
    assert.equal(b.reduce((n, r) => n + r.calls, 0), events.length);
    assert.equal(b.reduce((n, r) => n + r.errors, 0), events.filter((e) => e.event.outcome === 'error').length);
    assert.ok(b.every((r) => r.latency_weights.reduce((n, w) => n + w, 0) === r.calls), 'digest weights sum to calls');
  }
  const hourStarts = new Set(latestVersions(clean.hours, TIER_ROLLUP_KEY_COLUMNS).map((r) => r.start));
  assert.deepEqual([...hourStarts].sort(), [T0 - 2 * H, T0 - H, T0, T0 + H, T0 + 2 * H]);
  const dayStarts = new Set(latestVersions(clean.days, TIER_ROLLUP_KEY_COLUMNS).map((r) => r.start));
  assert.deepEqual([...dayStarts].sort(), [T0 - D, T0]);
});

test("an hour row's digest is built from its calls: p99 within 1e-3 rank", () => {
  const events = log(30_000, 4).map((e) => ({ ...e, partition: 0, event: { ...e.event, tool: 'one', started_at: T0 + (e.event.started_at % H) } }));
  events.forEach((e, i) => ((e as { offset: number }).offset = i));
  const fold = new RollupFold();
  for (const e of events) fold.add(e.partition, e.offset, e.event);
  const [hour] = fold.takeHourRollups();
  assert.ok(hour);
  assert.equal(hour.calls, events.length);
  const ms = events.map((e) => e.event.duration_us / 1000).sort((a, b) => a - b);
  const v = digestQuantile({ means: hour.latency_means, weights: hour.latency_weights, min: hour.latency_min_ms, max: hour.latency_max_ms }, 0.99);
  const rank = ms.filter((x) => x <= v).length / ms.length;
  assert.ok(Math.abs(rank - 0.99) <= 1e-3, `rank ${rank}`);
});

test("org-wide rows: one per org, bucket and chunk, its counts the sums of the org's label sets and its digest built from all their calls", () => {
  const events = log(12_000, 5).map((e, i) => (i % 7 === 0 ? { ...e, event: { ...e.event, org: 'other' } } : e));
  const { orgMinutes, orgHours, orgDays } = killedWorker(events, 0, 1);
  const byOrg = (org: string) => events.filter((e) => e.event.org === org);
  for (const [name, rows, bucket] of [['minute', orgMinutes, 60_000], ['hour', orgHours, H], ['day', orgDays, D]] as const) {
    const latest = latestVersions(rows, TIER_ROLLUP_KEY_COLUMNS);
    for (const org of ['acme', 'other']) {
      const mine = latest.filter((r) => r.org === org);
      assert.ok(mine.every((r) => r.workspace === '' && r.plugin === '' && r.tool === ''), 'no labels');
      assert.equal(mine.reduce((n, r) => n + r.calls, 0), byOrg(org).length, `${name} calls of ${org}`);
      assert.equal(mine.reduce((n, r) => n + r.tokens_out, 0), byOrg(org).reduce((n, e) => n + e.event.tokens_out, 0));
      assert.ok(mine.every((r) => r.start % bucket === 0 && r.latency_weights.reduce((n, w) => n + w, 0) === r.calls));
    }
  }
});

test("an org's hour row digests the calls of all its tools: p99 within 1e-3 rank", () => {
  const events = log(30_000, 6).map((e, i) => ({ partition: 0, offset: i, event: { ...e.event, started_at: T0 + (e.event.started_at % H) } }));
  assert.equal(new Set(events.map((e) => e.event.tool)).size, 3);
  const fold = new RollupFold();
  for (const e of events) fold.add(e.partition, e.offset, e.event);
  const { hours } = fold.takeOrgRollups();
  assert.equal(hours.length, 1);
  const hour = hours[0]!;
  assert.equal(hour.calls, events.length);
  const ms = events.map((e) => e.event.duration_us / 1000).sort((a, b) => a - b);
  const v = digestQuantile({ means: hour.latency_means, weights: hour.latency_weights, min: hour.latency_min_ms, max: hour.latency_max_ms }, 0.99);
  const rank = ms.filter((x) => x <= v).length / ms.length;
  assert.ok(Math.abs(rank - 0.99) <= 1e-3, `rank ${rank}`);
});
