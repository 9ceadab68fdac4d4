// Known-answer tests through the project's own wrapper: AES-256 test cases
// 13-16 of the GCM specification (McGrew and Viega, as published with NIST
// SP 800-38D) and the first 256-bit, 96-bit-IV vector of NIST's CAVP
// gcmEncryptExtIV256 file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gcmOpen, gcmSeal } from './aes-gcm.ts';
import { PayloadCryptoError } from './errors.ts';

const h = (s: string) => Buffer.from(s, 'hex');
const K15 = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const P15 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255';
const C15 =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';

const VECTORS = [
  { name: 'GCM spec case 13 (empty)', key: '00'.repeat(32), iv: '00'.repeat(12), pt: '', aad: '', ct: '', tag: '530f8afbc74536b9a963b4f1c4cb738b' },
  { name: 'GCM spec case 14 (one zero block)', key: '00'.repeat(32), iv: '00'.repeat(12), pt: '00'.repeat(16), aad: '', ct: 'cea7403d4d606b6e074ec5d3baf39d18', tag: 'd0d1c8a799996bf0265b98b5d48ab919' },
  { name: 'GCM spec case 15 (4 blocks)', key: K15, iv: 'cafebabefacedbaddecaf888', pt: P15, aad: '', ct: C15, tag: 'b094dac5d93471bdec1a502270e3cc6c' },
  {
    name: 'GCM spec case 16 (partial block, AAD)',
    key: K15,
    iv: 'cafebabefacedbaddecaf888',
    pt: P15.slice(0, 120),
    aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
    ct: C15.slice(0, 120),
    tag: '76fc6ece0f4e1768cddf8853bb2d551b',
  },
  { name: 'CAVP gcmEncryptExtIV256 Keylen=256 IVlen=96 PTlen=0 AADlen=0 Count=0', key: 'b52c505a37d78eda5dd34f20c22540ea1b58963cf8e5bf8ffa85f9f2492505b4', iv: '516c33929df5a3284ff463d7', pt: '', aad: '', ct: '', tag: 'bdc1ac884d332457a1d2664f168c76f0' },
];

for (const v of VECTORS) {
  test(`known answer: ${v.name}`, () => {
    const sealed = gcmSeal(h(v.key), h(v.iv), h(v.pt), h(v.aad));
    assert.equal(sealed.ciphertext.toString('hex'), v.ct);
    assert.equal(sealed.tag.toString('hex'), v.tag);
    assert.equal(gcmOpen(h(v.key), h(v.iv), h(v.ct), h(v.tag), h(v.aad)).toString('hex'), v.pt);
  });
}

test('every single-bit flip of ciphertext, tag, nonce or AAD is TAG_MISMATCH (GCM spec case 16)', () => {
  const v = VECTORS[3]!;
  const parts = { ct: h(v.ct), tag: h(v.tag), iv: h(v.iv), aad: h(v.aad) };
  let tried = 0;
  for (const part of Object.keys(parts) as (keyof typeof parts)[]) {
    for (let bit = 0; bit < parts[part].length * 8; bit += 7) {
      const copy = { ...parts, [part]: Buffer.from(parts[part]) };
      copy[part][bit >> 3]! ^= 1 << (bit & 7);
      assert.throws(() => gcmOpen(h(v.key), copy.iv, copy.ct, copy.tag, copy.aad), (e: unknown) => e instanceof PayloadCryptoError && e.code === 'TAG_MISMATCH', `${part} bit ${bit}`);
      tried++;
    }
  }
  assert.ok(tried > 100);
});

test('a truncated tag, a short nonce or a 128-bit key is INVALID_LENGTH, never a weaker GCM', () => {
  const v = VECTORS[2]!;
  const isLength = (e: unknown) => e instanceof PayloadCryptoError && e.code === 'INVALID_LENGTH';
  assert.throws(() => gcmOpen(h(v.key), h(v.iv), h(v.ct), h(v.tag).subarray(0, 12), Buffer.alloc(0)), isLength);
  assert.throws(() => gcmOpen(h(v.key), h(v.iv).subarray(0, 8), h(v.ct), h(v.tag), Buffer.alloc(0)), isLength);
  assert.throws(() => gcmSeal(h(v.key).subarray(0, 16), h(v.iv), h(v.pt), Buffer.alloc(0)), isLength);
  assert.throws(() => gcmSeal(h(v.key), Buffer.alloc(16), h(v.pt), Buffer.alloc(0)), isLength);
});
