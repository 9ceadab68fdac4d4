// The browser's inclusion check against the ledger library that signs and
// proves: every leaf of trees of several sizes verifies, and a changed leaf,
// proof, size, note or key is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVerifierKey, generateSignerKey, inclusionProof, merkleRoot, signCheckpoint, subtreeHasherFromLeaves, toHex, verifierKeyOf, leafHash } from '@mcpg/ledger';
import { verifyInclusion, verifyNote } from '../web/lib/ledger-verify.ts';

const signer = generateSignerKey('ledger.test');
const keys = [{ verifier_key: formatVerifierKey(verifierKeyOf(signer)) }];
const leaves = Array.from({ length: 37 }, (_, i) => leafHash(new TextEncoder().encode(`row ${i}`)));

function fixture(size: number, seq: number) {
  const d = leaves.slice(0, size);
  const root = merkleRoot(d);
  const note = signCheckpoint({ origin: 'mcpg.test/acme', size, root, chainHead: new Uint8Array(32), eventTime: 1_700_000_000_000 }, signer);
  const proof = inclusionProof(seq, size, subtreeHasherFromLeaves(d)).map(toHex);
  return { seq, leafHash: toHex(d[seq]!), treeSize: size, proof, note };
}

test('every leaf of trees of 1 to 37 rows verifies against the signed root', () => {
  for (const size of [1, 2, 3, 7, 8, 9, 16, 37]) {
    for (let seq = 0; seq < size; seq++) {
      const v = verifyInclusion(fixture(size, seq), keys);
      assert.ok(v.ok, `size ${size} seq ${seq}: ${JSON.stringify(v)}`);
      assert.equal(v.signedBy, `ledger.test+${signer.keyId.toString(16).padStart(8, '0')}`);
    }
  }
});

test('keys whose base64 holds "+" or "/" verify too (the verifier key is split at its first two "+" only)', () => {
  const signers = Array.from({ length: 24 }, () => generateSignerKey('ledger.test'));
  const texts = signers.map((k) => formatVerifierKey(verifierKeyOf(k)));
  assert.ok(texts.some((t) => t.split('+').length > 3), 'some key has a + in its base64');
  for (const k of signers) {
    const note = signCheckpoint({ origin: 'mcpg.test/acme', size: 1, root: leaves[0]!, chainHead: new Uint8Array(32), eventTime: 1 }, k);
    assert.ok(verifyNote(note, [{ verifier_key: formatVerifierKey(verifierKeyOf(k)) }]).ok);
  }
});

test('a changed leaf, proof, seq, size, note or key is refused with a reason', () => {
  const good = fixture(37, 20);
  const flip = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);
  const refused = (input: typeof good, k = keys) => {
    const v = verifyInclusion(input, k);
    assert.equal(v.ok, false);
    return (v as { reason: string }).reason;
  };
  assert.match(refused({ ...good, leafHash: flip(good.leafHash) }), /signed root/);
  assert.match(refused({ ...good, proof: [flip(good.proof[0]!), ...good.proof.slice(1)] }), /signed root/);
  assert.match(refused({ ...good, proof: good.proof.slice(1) }), /wrong length|signed root/);
  assert.match(refused({ ...good, seq: 21 }), /signed root|wrong length/);
  assert.match(refused({ ...good, treeSize: 36 }), /for 37 rows/);
  assert.match(refused({ ...good, note: good.note.replace('\n37\n', '\n38\n') }), /does not verify/);
  const other = generateSignerKey('ledger.test');
  assert.match(refused(good, [{ verifier_key: formatVerifierKey(verifierKeyOf(other)) }]), /no signature by a published key/);
  assert.equal(verifyNote(good.note, []).ok, false);
});
