// The iterative proof code against a literal recursive transcription of
// RFC 9162 (rfc-reference.testing.ts), for every index and size pair of small
// trees, from leaves in memory and from stored perfect nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompactRange,
  InMemoryNodeStore,
  consistencyProof,
  inclusionProof,
  leafHash,
  subtreeHasherFromLeaves,
  verifyConsistency,
  verifyInclusion,
  LedgerError,
} from '../index.ts';
import { refMth, refPath, refProof } from './rfc-reference.testing.ts';

const N = 40;
const data = Array.from({ length: N }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
const leaves = data.map(leafHash);
const hx = (bs: Uint8Array[]): string[] => bs.map((b) => Buffer.from(b).toString('hex'));

const store = new InMemoryNodeStore();
const range = new CompactRange();
for (const leaf of leaves) range.append(leaf, store.put);

test('inclusion proofs equal the RFC recursion and verify, for every leaf of every size up to 40', () => {
  const fromLeaves = subtreeHasherFromLeaves(leaves);
  const fromNodes = store.subtreeHasher();
  for (let size = 1; size <= N; size++) {
    const root = refMth(data.slice(0, size));
    for (let i = 0; i < size; i++) {
      const want = hx(refPath(i, data.slice(0, size)));
      const proof = inclusionProof(i, size, fromLeaves);
      assert.deepEqual(hx(proof), want, `${i} of ${size}`);
      assert.deepEqual(hx(inclusionProof(i, size, fromNodes)), want, `${i} of ${size} from nodes`);
      assert.ok(verifyInclusion(i, size, leaves[i] as Uint8Array, proof, root));
      if (size > 1) assert.ok(!verifyInclusion((i + 1) % size, size, leaves[i] as Uint8Array, proof, root));
    }
  }
});

test('consistency proofs equal the RFC recursion and verify, for every pair of sizes up to 40', () => {
  const fromNodes = store.subtreeHasher();
  for (let size2 = 0; size2 <= N; size2++) {
    const root2 = refMth(data.slice(0, size2));
    for (let size1 = 0; size1 <= size2; size1++) {
      const want = hx(refProof(size1, data.slice(0, size2)));
      const proof = consistencyProof(size1, size2, subtreeHasherFromLeaves(leaves.slice(0, size2)));
      assert.deepEqual(hx(proof), size1 === size2 ? [] : want, `${size1} → ${size2}`);
      assert.deepEqual(hx(consistencyProof(size1, size2, fromNodes)), hx(proof), `${size1} → ${size2} from nodes`);
      assert.ok(verifyConsistency(size1, size2, refMth(data.slice(0, size1)), root2, proof), `${size1} → ${size2}`);
      if (size1 > 0 && size1 < size2) {
        // A root that differs in one leaf must not be provably consistent.
        const forked = [...data.slice(0, size1 - 1), new TextEncoder().encode('forged')];
        assert.ok(!verifyConsistency(size1, size2, refMth(forked), root2, proof), `forked ${size1} → ${size2}`);
      }
    }
  }
});

test('proof generation refuses indices and sizes outside the tree', () => {
  const mth = subtreeHasherFromLeaves(leaves.slice(0, 5));
  for (const [i, n] of [[5, 5], [-1, 5], [0, 0], [1.5, 5]] as const) {
    assert.throws(() => inclusionProof(i, n, mth), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ARGUMENT');
  }
  assert.throws(() => consistencyProof(6, 5, mth), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => mth(0, 6), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ARGUMENT');
});

test('the node store refuses unaligned ranges and nodes it does not hold', () => {
  const mth = store.subtreeHasher();
  assert.throws(() => mth(1, 3), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => store.get(0, N), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => store.put(0, N + 1, leaves[0] as Uint8Array), (e: unknown) => e instanceof LedgerError);
  assert.equal(store.size, N);
});
