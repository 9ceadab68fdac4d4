import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootWithRange } from './range-root.ts';
import { merkleRoot } from './compact-range.ts';
import { InMemoryNodeStore } from './node-store.ts';
import { CompactRange } from './compact-range.ts';
import { leafHash } from '../hashing.ts';
import { toHex } from '../bytes.ts';

const leaves = Array.from({ length: 37 }, (_, i) => leafHash(new TextEncoder().encode(`row ${i}`)));
const nodes = new InMemoryNodeStore();
const range = new CompactRange();
for (const l of leaves) range.append(l, (level, index, hash) => nodes.put(level, index, hash));

test('any range of recomputed leaves plus stored nodes gives the root at every size', () => {
  for (const size of [1, 2, 5, 16, 17, 36, 37]) {
    const root = toHex(merkleRoot(leaves.slice(0, size)));
    for (let from = 0; from < size; from += 3) {
      for (const len of [0, 1, 4, size - from]) {
        if (from + len > size) continue;
        const got = rootWithRange(size, from, leaves.slice(from, from + len), (l, i) => nodes.get(l, i));
        assert.equal(toHex(got), root, `size ${size}, range [${from}, ${from + len})`);
      }
    }
  }
});

test('a changed leaf in the range changes the root', () => {
  const forged = [...leaves.slice(10, 20)];
  forged[4] = leafHash(new TextEncoder().encode('forged'));
  assert.notEqual(toHex(rootWithRange(37, 10, forged, (l, i) => nodes.get(l, i))), toHex(merkleRoot(leaves)));
});
