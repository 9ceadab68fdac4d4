import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactRange, leafHash, merkleRoot, LedgerError, EMPTY_ROOT } from '../index.ts';
import { refMth } from './rfc-reference.testing.ts';

const hx = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('appending leaf by leaf gives the full MTH at every size from 0 to 300', () => {
  const data = Array.from({ length: 300 }, (_, i) => Uint8Array.of(i % 256, Math.floor(i / 256)));
  const range = new CompactRange();
  assert.equal(hx(range.root()), hx(EMPTY_ROOT));
  for (let n = 1; n <= 300; n++) {
    range.append(leafHash(data[n - 1] as Uint8Array));
    assert.equal(range.size, n);
    assert.equal(hx(range.root()), hx(refMth(data.slice(0, n))), `size ${n}`);
    // O(log n) state: one hash per set bit of the size.
    assert.equal(range.state().hashes.length, n.toString(2).replaceAll('0', '').length);
  }
});

test('a range restored from its state continues exactly like the original', () => {
  const leaves = Array.from({ length: 77 }, (_, i) => leafHash(Uint8Array.of(i)));
  const original = new CompactRange();
  for (const leaf of leaves.slice(0, 45)) original.append(leaf);
  const restored = new CompactRange(original.state());
  for (const leaf of leaves.slice(45)) {
    original.append(leaf);
    restored.append(leaf);
  }
  assert.equal(hx(restored.root()), hx(original.root()));
  assert.equal(hx(restored.root()), hx(merkleRoot(leaves)));
});

test('the visitor sees every completed perfect node once, in index order per level', () => {
  const seen: string[] = [];
  const range = new CompactRange();
  for (let i = 0; i < 6; i++) range.append(leafHash(Uint8Array.of(i)), (level, index) => seen.push(`${level}:${index}`));
  assert.deepEqual(seen, ['0:0', '0:1', '1:0', '0:2', '0:3', '1:1', '2:0', '0:4', '0:5', '1:2']);
});

test('a state whose hash count does not match its size is refused', () => {
  const h = leafHash(new Uint8Array(0));
  assert.throws(() => new CompactRange({ size: 3, hashes: [h] }), (e: unknown) => e instanceof LedgerError && e.code === 'INVALID_ARGUMENT');
  assert.throws(() => new CompactRange({ size: 1, hashes: [new Uint8Array(31)] }), LedgerError);
  assert.throws(() => new CompactRange().append(new Uint8Array(5)), LedgerError);
});
