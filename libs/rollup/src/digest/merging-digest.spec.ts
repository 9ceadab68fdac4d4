import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lognormal, seeded } from '../fold/call-fixture.ts';
import { digestCount } from './centroid-digest.ts';
import { mergeDigests } from './merge-digests.ts';
import { MergingDigest } from './merging-digest.ts';
import { digestQuantile } from './quantile.ts';

function values(seed: number, n: number): number[] {
  const rand = seeded(seed);
  return Array.from({ length: n }, () => Math.round(lognormal(rand, 40, 1.1) * 1000) / 1000);
}

function digestOf(xs: readonly number[], compression?: number): MergingDigest {
  const d = new MergingDigest(compression);
  for (const x of xs) d.add(x);
  return d;
}

// Byte-level view of the centroid arrays: deepEqual would accept 0 vs -0.
const bytes = (xs: readonly number[]) => Buffer.from(Float64Array.from(xs).buffer);

test('the same values in the same order give byte-identical centroids', () => {
  const xs = values(1, 50_000);
  const a = digestOf(xs).snapshot();
  const b = digestOf(xs).snapshot();
  assert.ok(bytes(a.means).equals(bytes(b.means)));
  assert.ok(bytes(a.weights).equals(bytes(b.weights)));
  assert.equal(a.min, b.min);
  assert.equal(a.max, b.max);
});

test('a snapshot does not change the digest: snapshots after every batch end the same', () => {
  const xs = values(2, 20_000);
  const once = digestOf(xs).snapshot();
  const d = new MergingDigest();
  const rand = seeded(9);
  xs.forEach((x) => {
    d.add(x);
    if (rand() < 0.01) d.snapshot();
  });
  assert.deepEqual(d.snapshot(), once);
});

test('centroids are ascending, weights whole and summing to the count', () => {
  const xs = values(3, 30_000);
  const s = digestOf(xs).snapshot();
  assert.equal(digestCount(s), xs.length);
  s.weights.forEach((w) => assert.ok(Number.isInteger(w) && w >= 1));
  for (let i = 1; i < s.means.length; i++) assert.ok(s.means[i]! >= s.means[i - 1]!);
  assert.ok(s.means.length <= 200, `${s.means.length} centroids`);
  assert.equal(s.min, Math.min(...xs));
  assert.equal(s.max, Math.max(...xs));
});

test('small digests are exact: every value its own centroid', () => {
  const xs = [5, 1, 4, 1, 3, 9, 2, 6];
  const s = digestOf(xs).snapshot();
  assert.deepEqual(s.means, [1, 1, 2, 3, 4, 5, 6, 9]);
  assert.equal(digestQuantile(s, 0), 1);
  assert.equal(digestQuantile(s, 1), 9);
  assert.equal(digestQuantile(s, 0.5), 4); // rank 4 of 8 falls on the 5th value's half
  assert.equal(digestQuantile(s, 0.25), 2);
  assert.ok(Number.isNaN(digestQuantile(new MergingDigest().snapshot(), 0.5)));
  assert.equal(digestQuantile(digestOf([7]).snapshot(), 0.99), 7);
});

test('equal values keep their exact value in one centroid', () => {
  const s = digestOf(new Array<number>(10_000).fill(0.1)).snapshot();
  s.means.forEach((m) => assert.equal(m, 0.1));
  assert.equal(digestQuantile(s, 0.99), 0.1);
});

test('merging is independent of input order, to the bit', () => {
  const parts = [1, 2, 3, 4, 5].map((seed) => digestOf(values(seed, 5_000)).snapshot());
  const a = mergeDigests(parts);
  const b = mergeDigests([...parts].reverse());
  const c = mergeDigests([parts[2]!, parts[0]!, parts[4]!, parts[1]!, parts[3]!]);
  assert.ok(bytes(a.means).equals(bytes(b.means)) && bytes(a.means).equals(bytes(c.means)));
  assert.deepEqual(a.weights, b.weights);
  assert.equal(digestCount(a), 25_000);
  assert.deepEqual(mergeDigests([]), mergeDigests([new MergingDigest().snapshot()]));
});
