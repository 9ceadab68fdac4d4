// A literal, recursive transcription of RFC 9162 §2.1 over in-memory leaf
// data, kept deliberately naive: the tests check the iterative production code
// against it. Only for tests (not exported from the lib).
import { createHash } from 'node:crypto';

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

const k = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1); // largest power of two < n, n >= 2

export function refMth(d: readonly Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Uint8Array.of(0), d[0] as Uint8Array);
  const s = k(d.length);
  return sha(Uint8Array.of(1), refMth(d.slice(0, s)), refMth(d.slice(s)));
}

export function refPath(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  if (d.length === 1) return [];
  const s = k(d.length);
  return m < s
    ? [...refPath(m, d.slice(0, s)), refMth(d.slice(s))]
    : [...refPath(m - s, d.slice(s)), refMth(d.slice(0, s))];
}

function subproof(m: number, d: readonly Uint8Array[], b: boolean): Uint8Array[] {
  if (m === d.length) return b ? [] : [refMth(d)];
  const s = k(d.length);
  return m <= s
    ? [...subproof(m, d.slice(0, s), b), refMth(d.slice(s))]
    : [...subproof(m - s, d.slice(s), false), refMth(d.slice(0, s))];
}

export function refProof(m: number, d: readonly Uint8Array[]): Uint8Array[] {
  return m === 0 ? [] : subproof(m, d, true);
}
