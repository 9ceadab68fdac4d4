// Known-answer tests: the RFC 6962 test vectors published with
// github.com/transparency-dev/merkle (proof/verify_test.go: eight leaves, the
// roots of every prefix, reference inclusion and consistency proofs), plus
// the same mutations that suite applies, each of which must fail to verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  merkleRoot,
  subtreeHasherFromLeaves,
  verifyConsistency,
  verifyInclusion,
  EMPTY_ROOT,
  type Hash,
} from '../index.ts';

const h = (hex: string): Hash => new Uint8Array(Buffer.from(hex, 'hex'));
const hx = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const LEAF_DATA = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
const LEAVES = LEAF_DATA.map((d) => leafHash(h(d)));
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
].map(h);

// Leaf numbers are 1-based in the published table; index = leaf - 1.
const INCLUSION: { leaf: number; size: number; proof: string[] }[] = [
  { leaf: 1, size: 1, proof: [] },
  { leaf: 1, size: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { leaf: 6, size: 8, proof: ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { leaf: 3, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  { leaf: 2, size: 5, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
];
const CONSISTENCY: { size1: number; size2: number; proof: string[] }[] = [
  { size1: 1, size2: 1, proof: [] },
  { size1: 1, size2: 8, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'] },
  { size1: 6, size2: 8, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
  { size1: 2, size2: 5, proof: ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b'] },
  { size1: 6, size2: 7, proof: ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'] },
];
const SOME_HASH = h('abacaba000000000000000000000000000000000000000000060061e00123456');
const flip = (proof: Hash[], i: number, mask: number): Hash[] =>
  proof.map((p, j) => (j === i ? p.map((b, at) => (at === 0 ? b ^ mask : b)) : p));

test('the empty tree and every prefix of the eight leaves have the published roots', () => {
  assert.equal(hx(EMPTY_ROOT), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(hx(merkleRoot([])), hx(EMPTY_ROOT));
  for (let n = 1; n <= 8; n++) assert.equal(hx(merkleRoot(LEAVES.slice(0, n))), hx(ROOTS[n - 1] as Hash), `size ${n}`);
});

test('inclusion proofs are generated exactly as published and verify', () => {
  for (const v of INCLUSION) {
    const mth = subtreeHasherFromLeaves(LEAVES.slice(0, v.size));
    const proof = inclusionProof(v.leaf - 1, v.size, mth);
    assert.deepEqual(proof.map(hx), v.proof, `leaf ${v.leaf} of ${v.size}`);
    assert.ok(verifyInclusion(v.leaf - 1, v.size, LEAVES[v.leaf - 1] as Hash, proof, ROOTS[v.size - 1] as Hash));
  }
});

test('every mutation of a published inclusion proof fails', () => {
  for (const v of INCLUSION) {
    const i = v.leaf - 1;
    const root = ROOTS[v.size - 1] as Hash;
    const leaf = LEAVES[i] as Hash;
    const proof = v.proof.map(h);
    const probes: [string, number, number, Hash, Hash[], Hash][] = [
      ['index - 1', i - 1, v.size, leaf, proof, root],
      ['index + 1', i + 1, v.size, leaf, proof, root],
      ['index ^ 2', i ^ 2, v.size, leaf, proof, root],
      ['size * 2', i, v.size * 2, leaf, proof, root],
      ['size / 2', i, Math.floor(v.size / 2), leaf, proof, root],
      ['wrong leaf', i, v.size, SOME_HASH, proof, root],
      ['empty root', i, v.size, leaf, proof, EMPTY_ROOT],
      ['random root', i, v.size, leaf, proof, SOME_HASH],
      ['trailing garbage', i, v.size, leaf, [...proof, new Uint8Array(0)], root],
      ['trailing root', i, v.size, leaf, [...proof, root], root],
      ['preceding garbage', i, v.size, leaf, [new Uint8Array(0), ...proof], root],
      ['preceding root', i, v.size, leaf, [root, ...proof], root],
    ];
    proof.forEach((_, j) => probes.push([`flipped bit in proof[${j}]`, i, v.size, leaf, flip(proof, j, 8), root]));
    if (proof.length > 0) probes.push(['truncated', i, v.size, leaf, proof.slice(0, -1), root]);
    if (proof.length > 1) probes.push(['inserted component', i, v.size, leaf, [proof[0] as Hash, SOME_HASH, ...proof.slice(1)], root]);
    for (const [desc, index, size, l, p, r] of probes) {
      assert.equal(verifyInclusion(index, size, l, p, r), false, `leaf ${v.leaf} of ${v.size}: ${desc}`);
    }
  }
});

test('consistency proofs are generated exactly as published and verify', () => {
  for (const v of CONSISTENCY) {
    const proof = consistencyProof(v.size1, v.size2, subtreeHasherFromLeaves(LEAVES.slice(0, v.size2)));
    assert.deepEqual(proof.map(hx), v.proof, `${v.size1} → ${v.size2}`);
    assert.ok(verifyConsistency(v.size1, v.size2, ROOTS[v.size1 - 1] as Hash, ROOTS[v.size2 - 1] as Hash, proof));
  }
});

test('every mutation of a published consistency proof fails', () => {
  const wrong = h('00'.repeat(32));
  for (const v of CONSISTENCY.filter((c) => c.proof.length > 0)) {
    const [r1, r2] = [ROOTS[v.size1 - 1] as Hash, ROOTS[v.size2 - 1] as Hash];
    const proof = v.proof.map(h);
    const probes: [string, number, number, Hash, Hash, Hash[]][] = [
      ['size1 - 1', v.size1 - 1, v.size2, r1, r2, proof],
      ['size1 + 1', v.size1 + 1, v.size2, r1, r2, proof],
      ['size1 ^ 2', v.size1 ^ 2, v.size2, r1, r2, proof],
      ['size2 * 2', v.size1, v.size2 * 2, r1, r2, proof],
      ['size2 / 2', v.size1, Math.floor(v.size2 / 2), r1, r2, proof],
      ['wrong root1', v.size1, v.size2, wrong, r2, proof],
      ['wrong root2', v.size1, v.size2, r1, wrong, proof],
      ['swapped roots', v.size1, v.size2, r2, r1, proof],
      ['empty proof', v.size1, v.size2, r1, r2, []],
      ['trailing garbage', v.size1, v.size2, r1, r2, [...proof, new Uint8Array(0)]],
      ['trailing root1', v.size1, v.size2, r1, r2, [...proof, r1]],
      ['trailing root2', v.size1, v.size2, r1, r2, [...proof, r2]],
      ['preceding garbage', v.size1, v.size2, r1, r2, [new Uint8Array(0), ...proof]],
      ['preceding root1', v.size1, v.size2, r1, r2, [r1, ...proof]],
      ['preceding root2', v.size1, v.size2, r1, r2, [r2, ...proof]],
      ['preceding proof[0]', v.size1, v.size2, r1, r2, [proof[0] as Hash, ...proof]],
      ['truncated', v.size1, v.size2, r1, r2, proof.slice(0, -1)],
    ];
    proof.forEach((_, j) => probes.push([`flipped bit in proof[${j}]`, v.size1, v.size2, r1, r2, flip(proof, j, 16)]));
    for (const [desc, s1, s2, a, b, p] of probes) {
      assert.equal(verifyConsistency(s1, s2, a, b, p), false, `${v.size1} → ${v.size2}: ${desc}`);
    }
  }
});

test('the edge cases of the published suite: trivial sizes and time travel', () => {
  const [a, b] = [h('11'.repeat(32)), h('22'.repeat(32))];
  assert.equal(verifyConsistency(0, 0, a, a, []), true);
  assert.equal(verifyConsistency(0, 1, a, b, []), true);
  assert.equal(verifyConsistency(1, 1, b, b, []), true);
  assert.equal(verifyConsistency(0, 0, a, b, []), false);
  assert.equal(verifyConsistency(1, 1, a, b, []), false);
  assert.equal(verifyConsistency(1, 0, a, b, []), false, 'to the past');
  assert.equal(verifyConsistency(2, 1, a, b, []), false, 'to the past');
  assert.equal(verifyConsistency(1, 2, a, b, []), false, 'empty proof');
  assert.equal(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]), false, 'non-empty proof');
  assert.equal(verifyConsistency(0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]), false, 'non-empty proof');
  assert.equal(verifyConsistency(1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT]), false, 'non-empty proof');
  for (const [index, size] of [[0, 0], [1, 0], [2, 1]] as const) {
    assert.equal(verifyInclusion(index, size, SOME_HASH, [], EMPTY_ROOT), false, `${index} of ${size}`);
  }
  const single = leafHash(new TextEncoder().encode('data'));
  assert.equal(verifyInclusion(0, 1, single, [], single), true);
  assert.equal(verifyInclusion(0, 1, new Uint8Array(0), [], single), false);
  assert.equal(verifyInclusion(0, 1, single, [], new Uint8Array(0)), false);
});
