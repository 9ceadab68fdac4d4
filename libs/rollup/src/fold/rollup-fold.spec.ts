import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ToolCallEvent } from '@mcpg/events';
import { RollupError } from '../errors.ts';
import { call, lognormal, seeded, T0 } from './call-fixture.ts';
import { chunkStart } from './fold-options.ts';
import { latestVersions } from './latest-versions.ts';
import { foldBatch, RollupFold, type PositionedCall } from './rollup-fold.ts';
import type { RollupRow } from './rollup-row.ts';
import { DAY_TOTALS_KEY_COLUMNS, type DayTotalsRow } from './day-totals.ts';
import { HOUR_TOTALS_KEY_COLUMNS, type HourTotalsRow } from './hour-totals.ts';

const at = (offset: number, event: ToolCallEvent, partition = 0): PositionedCall => ({ partition, offset, event });

test('counts, errors by outcome, tokens and latency per label set and event-time minute', () => {
  const rows = foldBatch([
    at(0, call({ outcome: 'ok', duration_us: 1_000, tokens_in: 1, tokens_out: 2 })),
    at(1, call({ outcome: 'error', duration_us: 3_000, tokens_in: 10, tokens_out: 0 })),
    at(2, call({ outcome: 'timeout', duration_us: 30_000_000 })),
    at(3, call({ outcome: 'denied', duration_us: 200 })),
    at(4, call({ outcome: 'cancelled', duration_us: 500 })),
    // Same minute by event time, even though it came later in the log.
    at(5, call({ started_at: T0 + 59_999 })),
    at(6, call({ started_at: T0 + 60_000 })),
    at(7, call({ tool: 'list_issues' })),
  ]);
  assert.equal(rows.length, 3);
  const [first, nextMinute, other] = rows as [RollupRow, RollupRow, RollupRow];
  assert.equal(first.minute, T0);
  assert.equal(first.calls, 6);
  assert.equal(first.errors, 2, 'error and timeout; not denied, not cancelled');
  assert.deepEqual(first.outcomes, { ok: 2, error: 1, denied: 1, timeout: 1, cancelled: 1 });
  assert.equal(first.tokens_in, 1 + 10 + 10 * 4);
  assert.equal(first.last_offset, 5);
  assert.equal(first.latency_min_ms, 0.2);
  assert.equal(first.latency_max_ms, 30_000);
  assert.equal(first.duration_us_sum, 1_000 + 3_000 + 30_000_000 + 200 + 500 + 12_345);
  assert.deepEqual(first.latency_means, [0.2, 0.5, 1, 3, 12.345, 30_000]);
  assert.deepEqual(first.latency_weights, [1, 1, 1, 1, 1, 1]);
  assert.equal(nextMinute.minute, T0 + 60_000);
  assert.equal(other.tool, 'list_issues');
  assert.deepEqual([first.source_partition, first.chunk_start], [0, 0]);
});

test('tool and plugin ids are normalised before grouping', () => {
  const rows = foldBatch([
    at(0, call({ tool: 'get_issue_4711', plugin: 'repo-3f2a9c1e' })),
    at(1, call({ tool: 'get_issue_4712', plugin: 'repo-99aa88bb' })),
  ]);
  assert.equal(rows.length, 1);
  assert.deepEqual([rows[0]!.plugin, rows[0]!.tool, rows[0]!.calls], ['repo-:id', 'get_issue_:id', 2]);
});

test('label sets over the per-org cap go to __other__, first come first kept, and are counted', () => {
  const events = [
    at(0, call({ tool: 'a' })),
    at(1, call({ tool: 'b' })),
    at(2, call({ tool: 'c' })),
    at(3, call({ tool: 'a' })),
    at(4, call({ tool: 'd', workspace: 'dev' })),
    at(5, call({ org: 'globex', tool: 'z' })),
  ];
  const fold = new RollupFold({ maxLabelSetsPerOrg: 2 });
  for (const e of events) fold.add(e.partition, e.offset, e.event);
  const rows = fold.takeRows();
  assert.deepEqual(
    rows.map((r) => [r.org, r.workspace, r.plugin, r.tool, r.calls]),
    [
      ['acme', 'prod', 'github', 'a', 2],
      ['acme', 'prod', 'github', 'b', 1],
      ['acme', '__other__', '__other__', '__other__', 2],
      ['globex', 'prod', 'github', 'z', 1],
    ],
  );
  assert.equal(fold.stats.foldedToOther, 2);
  assert.deepEqual([...fold.stats.foldedToOtherByOrg], [['acme', 2]]);
  // A replay of the same log decides the same way.
  assert.deepEqual(foldBatch(events, { maxLabelSetsPerOrg: 2 }), rows);
});

test('rows are keyed by partition and offset chunk; a new chunk starts new rows and a new guard', () => {
  const rows = foldBatch(
    [at(0, call()), at(3, call()), at(4, call()), at(9, call()), at(2, call(), 1)],
    { chunkSize: 4 },
  );
  assert.deepEqual(
    rows.map((r) => [r.source_partition, r.chunk_start, r.last_offset, r.calls]),
    [
      [0, 0, 3, 2],
      [0, 4, 4, 1],
      [0, 8, 9, 1],
      [1, 0, 2, 1],
    ],
  );
  assert.equal(chunkStart(9, 4), 8);
});

test('offsets must increase within a partition', () => {
  const fold = new RollupFold();
  fold.add(0, 5, call());
  fold.add(1, 5, call());
  assert.throws(
    () => fold.add(0, 5, call()),
    (e: unknown) => e instanceof RollupError && e.code === 'OFFSET_NOT_INCREASING',
  );
});

// A simulated log: two partitions, several orgs and tools, lognormal latencies.
function log(n: number, seed: number): PositionedCall[] {
  const rand = seeded(seed);
  const next = [0, 0];
  const out: PositionedCall[] = [];
  for (let i = 0; i < n; i++) {
    const partition = rand() < 0.5 ? 0 : 1;
    const offset = next[partition]!;
    next[partition] = offset + 1 + (rand() < 0.05 ? 1 : 0); // occasional gaps, as transaction markers leave
    out.push(
      at(
        offset,
        call({
          org: `org-${partition}-${Math.floor(rand() * 3)}`,
          tool: `tool_${Math.floor(rand() * 5)}x`,
          started_at: T0 + Math.floor(i * 37 + rand() * 5_000),
          duration_us: Math.round(lognormal(rand, 30, 1) * 1000),
          outcome: rand() < 0.05 ? 'error' : 'ok',
        }),
        partition,
      ),
    );
  }
  return out;
}

// What a worker writes: it takes rows after every batch; batches end anywhere.
function runWorker(events: readonly PositionedCall[], batchEnds: (i: number) => boolean, options = { chunkSize: 1_000 }): RollupRow[] {
  const written: RollupRow[] = [];
  const fold = new RollupFold(options);
  events.forEach((e, i) => {
    fold.add(e.partition, e.offset, e.event);
    if (batchEnds(i)) written.push(...fold.takeRows());
  });
  written.push(...fold.takeRows());
  return written;
}

// Rows as one string, in a fixed order: equal strings mean byte-identical rows.
const sorted = (rows: readonly RollupRow[]) =>
  rows
    .map((r) => JSON.stringify(r))
    .sort()
    .join('\n');

test('rows do not depend on where batches ended', () => {
  const events = log(20_000, 1);
  const one = latestVersions(runWorker(events, () => false));
  const rand = seeded(5);
  const many = latestVersions(runWorker(events, () => rand() < 0.003));
  const every = latestVersions(runWorker(events, (i) => i % 97 === 0));
  assert.equal(sorted(many), sorted(one));
  assert.equal(sorted(every), sorted(one));
});

test('a worker killed mid-chunk and resumed at chunkStart(committed) ends with the same rows', () => {
  const events = log(20_000, 2);
  const options = { chunkSize: 1_000 };
  const clean = latestVersions(runWorker(events, () => false, options));

  // The table holds every row ever written; reading it keeps the newest
  // version per key (ReplacingMergeTree + FINAL).
  const table: RollupRow[] = [];
  const committed = new Map<number, number>(); // partition → next offset to read
  const rand = seeded(11);
  for (let life = 0; ; life++) {
    // Restart: a new fold; each partition resumes at the start of the chunk
    // holding its committed offset.
    const fold = new RollupFold(options);
    const resume = new Map([0, 1].map((p) => [p, chunkStart(committed.get(p) ?? 0, options.chunkSize)]));
    const last = new Map<number, number>();
    const killAfter = life < 6 ? 1_000 + Math.floor(rand() * 5_000) : Infinity;
    let processed = 0;
    for (const e of events) {
      if (e.offset < resume.get(e.partition)!) continue;
      if (processed++ >= killAfter) break; // SIGKILL: nothing more stored or committed
      fold.add(e.partition, e.offset, e.event);
      last.set(e.partition, e.offset);
      if (rand() < 0.004) {
        // End of a batch: rows stored, then offsets committed — or killed in between.
        table.push(...fold.takeRows());
        if (rand() < 0.8) for (const [p, o] of last) committed.set(p, o + 1);
      }
    }
    if (killAfter === Infinity) {
      table.push(...fold.takeRows());
      break;
    }
  }
  const stored = latestVersions(table);
  assert.ok(table.length > stored.length, 'the kills made the worker write some rows again');
  assert.equal(sorted(stored), sorted(clean));
  assert.equal(
    stored.reduce((n, r) => n + r.calls, 0),
    events.length,
  );
});

test('a stale writer (zombie) cannot undo newer rows: the highest version wins', () => {
  const events = log(3_000, 3);
  const all = runWorker(events, (i) => i % 100 === 0, { chunkSize: 1_000 });
  const latest = latestVersions(all);
  // Older versions arriving after newer ones (a zombie's late writes) change nothing.
  assert.equal(sorted(latestVersions([...all].reverse())), sorted(latest));
  assert.equal(
    latest.reduce((n, r) => n + r.calls, 0),
    events.length,
  );
});

test('day and hour totals: the minute counters summed per UTC day and hour, exact under kills and replays', () => {
  // Three hours of traffic on two days: the log straddles midnight.
  const events = log(6_000, 4).map((e, i) => ({ ...e, event: { ...e.event, started_at: T0 - 3_600_000 + i * 1_800 } }));
  const options = { chunkSize: 1_000 };
  const fold = new RollupFold(options);
  const minutes: RollupRow[] = [];
  const days: DayTotalsRow[] = [];
  const hours: HourTotalsRow[] = [];
  const rand = seeded(21);
  events.forEach((e, i) => {
    fold.add(e.partition, e.offset, e.event);
    if (rand() < 0.01 || i === events.length - 1) {
      minutes.push(...fold.takeRows());
      // Either tier may be taken first: both get every settled minute.
      if (rand() < 0.5) {
        days.push(...fold.takeDayTotals());
        hours.push(...fold.takeHourTotals());
      } else {
        hours.push(...fold.takeHourTotals());
        days.push(...fold.takeDayTotals());
      }
    }
  });
  // A replay of the first half writes older versions again: they change nothing.
  const replay = new RollupFold(options);
  for (const e of events.slice(0, 3_000)) replay.add(e.partition, e.offset, e.event);
  days.push(...replay.takeDayTotals());
  hours.push(...replay.takeHourTotals());

  const dayRows = latestVersions(days, DAY_TOTALS_KEY_COLUMNS);
  const hourRows = latestVersions(hours, HOUR_TOTALS_KEY_COLUMNS);
  const dayOf = (ms: number) => ms - (ms % 86_400_000);
  const hourOf = (ms: number) => ms - (ms % 3_600_000);
  const sumBy = <T extends { org: string; tool: string; calls: number; tokens_in: number; tokens_out: number }>(rows: readonly T[], bucket: (r: T) => number) => {
    const out = new Map<string, [number, number, number]>();
    for (const r of rows) {
      const key = `${r.org}/${r.tool}/${bucket(r)}`;
      const [c, i, o] = out.get(key) ?? [0, 0, 0];
      out.set(key, [c + r.calls, i + r.tokens_in, o + r.tokens_out]);
    }
    return [...out].sort();
  };
  const stored = latestVersions(minutes);
  assert.deepEqual(sumBy(dayRows, (r) => r.day), sumBy(stored, (r) => dayOf(r.minute)));
  assert.deepEqual(sumBy(hourRows, (r) => r.hour), sumBy(stored, (r) => hourOf(r.minute)));
  const errorsBy = (rows: readonly { errors: number }[]) => rows.reduce((n, r) => n + r.errors, 0);
  assert.equal(errorsBy(dayRows), errorsBy(stored));
  assert.equal(new Set(dayRows.map((r) => r.day)).size, 2, 'both days present');
  assert.equal(new Set(hourRows.map((r) => r.hour)).size, 3, 'the three hours the log covers');
  assert.equal(dayRows.reduce((n, r) => n + r.calls, 0), events.length);
  assert.equal(hourRows.reduce((n, r) => n + r.calls, 0), events.length);
  // An hour row's version is the last offset of its chunk that counted in it.
  for (const h of hourRows) {
    const counted = events.filter(
      (e) => e.partition === h.source_partition && chunkStart(e.offset, 1_000) === h.chunk_start && hourOf(e.event.started_at) === h.hour && e.event.org === h.org && e.event.tool === h.tool,
    );
    assert.equal(h.last_offset, Math.max(...counted.map((e) => e.offset)));
  }
});
