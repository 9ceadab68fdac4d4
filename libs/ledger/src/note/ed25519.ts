// Ed25519 for checkpoint signatures: @noble/ed25519 for the curve, SHA-512
// from node:crypto. Signing is RFC 8032 (deterministic: the same key and text
// always give the same signature, which the replay-determinism invariant
// relies on). Verification is stricter than RFC 8032 requires, so that a
// signature we accept is accepted by every mainstream verifier and no one can
// produce a second valid signature for a signed checkpoint:
//   - noble's strict mode ({ zip215: false }): canonical encodings of A and R
//     (y < p, no "negative zero"), S < L, small-order public keys refused,
//     cofactored equation;
//   - plus, as libsodium does: small-order R refused, and the cofactorless
//     equation [S]B = R + [k]A must hold too (so mixed-order R or A that pass
//     only with the cofactor are refused).
// On the ed25519-speccheck vectors this accepts only what both cofactored and
// cofactorless verifiers accept (ed25519.spec.ts).
import * as ed from '@noble/ed25519';
import { hash } from 'node:crypto';
import { bytesEqual } from '../bytes.ts';

const sha512 = (message: Uint8Array): Uint8Array<ArrayBuffer> => hash('sha512', message, 'buffer');
// noble's synchronous API needs a SHA-512; any correct one gives identical results.
ed.hashes.sha512 = sha512;

const L = ed.Point.CURVE().n;
export const ED25519_SEED_SIZE = 32;
export const ED25519_PUBLIC_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

function littleEndianToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  return ed.getPublicKey(seed);
}

export function ed25519Sign(message: Uint8Array, seed: Uint8Array): Uint8Array {
  return ed.sign(message, seed);
}

export function ed25519VerifyStrict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_SIZE || publicKey.length !== ED25519_PUBLIC_KEY_SIZE) return false;
  if (!ed.verify(signature, message, publicKey, { zip215: false })) return false;
  const rBytes = signature.subarray(0, 32);
  let A: ed.Point;
  let R: ed.Point;
  try {
    A = ed.Point.fromBytes(publicKey, false);
    R = ed.Point.fromBytes(rBytes, false);
  } catch {
    return false;
  }
  // Re-encoding must give the same bytes: one encoding per point.
  if (!bytesEqual(A.toBytes(), publicKey) || !bytesEqual(R.toBytes(), rBytes)) return false;
  if (A.isSmallOrder() || R.isSmallOrder()) return false;
  const S = littleEndianToBigInt(signature.subarray(32));
  if (S >= L) return false;
  const k = littleEndianToBigInt(sha512(Buffer.concat([rBytes, publicKey, message]))) % L;
  // Cofactorless check; the scalars are public, so the variable-time path is fine.
  const left = ed.Point.BASE.multiply(S, false);
  const right = R.add(A.multiply(k, false));
  return left.equals(right);
}
