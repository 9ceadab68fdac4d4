// Decode + fold throughput of the rollup worker's hot path on one core, and
// the t-digest choice measured against the `tdigest` package.
//   node --import tsx bench/fold.ts [events=500000] [orgs=20]
// Events come from the simulator, are encoded once (Avro single-object, as
// on Kafka), then each round times decode → validateCall → RollupFold.add,
// taking rows (digest snapshots, day and hour totals, hour and day digests,
// org-wide rows) every 5,000 events as the worker does per batch.
import { createRequire } from 'node:module';
import { toolCallCodec, type ToolCallEvent } from '@mcpg/events';
import {
  digestQuantile,
  mergeDigests,
  MergingDigest,
  RollupFold,
  validateCall,
  type CentroidDigest,
} from '@mcpg/rollup';
import { Random, TrafficGenerator } from '@mcpg/simulator';

const N = Number(process.argv[2] ?? 500_000);
const ORGS = Number(process.argv[3] ?? 20);
const PARTITIONS = 6;
const BATCH = 5_000;
const ROUNDS = 5;

const orgs = Array.from({ length: ORGS }, (_, i) => `org-${i}`);
const gen = new TrafficGenerator({ seed: 7, orgs, gateways: ORGS * 5, startTime: Date.UTC(2026, 0, 5), rate: 2_000 });
const messages: { partition: number; offset: number; value: Buffer }[] = [];
const nextOffset = new Array<number>(PARTITIONS).fill(0);
for (let i = 0; i < N; i++) {
  const call = gen.next().call;
  // Keyed by org, as the gateways produce: one org, one partition.
  const partition = orgs.indexOf(call.org) % PARTITIONS;
  messages.push({ partition, offset: nextOffset[partition]!++, value: toolCallCodec.encode(call) });
}
const decoded: ToolCallEvent[] = messages.map((m) => toolCallCodec.decode(m.value));

// Wall time and this process's CPU time: on a shared machine the wall time
// includes waiting for a core, the CPU time much less so.
function time(fn: () => number): { ms: number; cpuMs: number; out: number } {
  const t = performance.now();
  const c = process.cpuUsage();
  const out = fn();
  const used = process.cpuUsage(c);
  return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, out };
}

// What the worker takes per batch: minute rows, day and hour totals, hour
// and day digests, and the org-wide rows where the fold has them (the same
// file runs against a checkout from before them, for before/after).
function take(fold: RollupFold): number {
  const f = fold as RollupFold & { takeOrgRollups?: () => { minutes: unknown[]; hours: unknown[]; days: unknown[] } };
  const org = f.takeOrgRollups?.();
  return (
    fold.takeRows().length + fold.takeDayTotals().length + fold.takeHourTotals().length + fold.takeHourRollups().length + fold.takeDayRollups().length +
    (org ? org.minutes.length + org.hours.length + org.days.length : 0)
  );
}

function decodeOnly(): number {
  let s = 0;
  for (const m of messages) s += toolCallCodec.decode(m.value).duration_us;
  return s;
}

function foldOnly(): number {
  const fold = new RollupFold();
  let rows = 0;
  for (let i = 0; i < decoded.length; i++) {
    const m = messages[i]!;
    fold.add(m.partition, m.offset, decoded[i]!);
    if (i % BATCH === BATCH - 1) rows += take(fold);
  }
  return rows + take(fold);
}

function decodeAndFold(): number {
  const fold = new RollupFold();
  let rows = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const e = toolCallCodec.decode(m.value);
    fold.add(m.partition, m.offset, validateCall(e, e.emitted_at)); // the produce time, in the simulation
    if (i % BATCH === BATCH - 1) rows += take(fold);
  }
  return rows + take(fold);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${N} simulated call events, ${ORGS} orgs, ${PARTITIONS} partitions; node ${process.version}`);
for (const [name, fn] of [
  ['decode only', decodeOnly],
  ['fold only (decoded events)', foldOnly],
  ['decode + validate + fold', decodeAndFold],
] as const) {
  const runs = Array.from({ length: ROUNDS }, () => time(fn));
  const ms = median(runs.map((r) => r.ms));
  const cpuMs = median(runs.map((r) => r.cpuMs));
  const rows = name === 'decode only' ? '' : `, ${runs[0]!.out} rows taken`;
  console.log(
    `${name.padEnd(28)} ${((N / ms) * 1000).toFixed(0).padStart(9)} events/s wall, ${((N / cpuMs) * 1000).toFixed(0).padStart(9)} per CPU second (median of ${ROUNDS}, ${ms.toFixed(0)} ms${rows})`,
  );
}

// --- t-digest: this package's merging digest vs `tdigest` 0.1.3 ---
interface TDigestLike {
  push(x: number): void;
  push_centroid(c: { mean: number; n: number }[]): void;
  compress(): void;
  toArray(): { mean: number; n: number }[];
  percentile(p: number): number;
}
const { TDigest } = createRequire(import.meta.url)('tdigest') as { TDigest: new (delta?: number) => TDigestLike };

const rnd = new Random(3);
const values = Array.from({ length: 1_000_000 }, () => rnd.lognormal(40, 1.2));
const sortedValues = Float64Array.from(values).sort();
const rankError = (x: number, q: number) => {
  let lo = 0;
  let hi = sortedValues.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sortedValues[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return Math.abs(lo / sortedValues.length - q);
};

function ours(): CentroidDigest {
  const d = new MergingDigest();
  for (const v of values) d.add(v);
  return d.snapshot();
}
function theirs(): TDigestLike {
  const d = new TDigest();
  for (const v of values) d.push(v);
  d.compress();
  return d;
}
const t1 = time(() => ours().means.length);
const t2 = time(() => theirs().toArray().length);
const [a1, a2] = [ours(), ours()];
const [b1, b2] = [theirs(), theirs()];
const same = JSON.stringify(a1) === JSON.stringify(a2);
const sameTheirs = JSON.stringify(b1.toArray()) === JSON.stringify(b2.toArray());
console.log('\nt-digest, 1M lognormal values (median 40 ms, sigma 1.2):');
console.log(
  `MergingDigest δ=200 (k1)  ${((t1.ms * 1000) / values.length).toFixed(3)} µs/value, ${a1.means.length} centroids, ` +
    `p99 rank error ${rankError(digestQuantile(a1, 0.99), 0.99).toExponential(1)}, two runs identical: ${same}`,
);
console.log(
  `tdigest 0.1.3 δ=0.01      ${((t2.ms * 1000) / values.length).toFixed(3)} µs/value, ${b1.toArray().length} centroids, ` +
    `p99 rank error ${rankError(b1.percentile(0.99), 0.99).toExponential(1)}, two runs identical: ${sameTheirs}`,
);

// Merging 1,000 digests of 1,000 values each (a day of one busy series is 1,440 minute rows).
const parts = Array.from({ length: 1_000 }, (_, i) => values.slice(i * 1_000, (i + 1) * 1_000));
const ourParts = parts.map((p) => {
  const d = new MergingDigest();
  for (const v of p) d.add(v);
  return d.snapshot();
});
const theirParts = parts.map((p) => {
  const d = new TDigest();
  for (const v of p) d.push(v);
  d.compress();
  return d.toArray();
});
const m1 = time(() => mergeDigests(ourParts).means.length);
const m2 = time(() => {
  const d = new TDigest();
  for (const c of theirParts) d.push_centroid(c);
  d.compress();
  return d.toArray().length;
});
const merged = mergeDigests(ourParts);
console.log(
  `merge 1,000 digests: MergingDigest ${m1.ms.toFixed(0)} ms (p99 rank error ${rankError(digestQuantile(merged, 0.99), 0.99).toExponential(1)}), ` +
    `tdigest ${m2.ms.toFixed(0)} ms`,
);
