// The RFC 6962 / RFC 9162 hashes of the ledger's Merkle tree. SHA-256 comes
// from node:crypto (native, ~1 µs per node hash): the tree costs one hash per
// row plus one per internal node, so a pure-JS hash would dominate the fold.
import { hash } from 'node:crypto';

export type Hash = Uint8Array;
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

export function sha256(data: Uint8Array): Hash {
  return hash('sha256', data, 'buffer');
}

/** MTH({}) = SHA-256() — the root of the empty tree. */
export const EMPTY_ROOT: Hash = sha256(new Uint8Array(0));

/** SHA-256(0x00 || data): the leaf hash of RFC 9162 §2.1.1. */
export function leafHash(data: Uint8Array): Hash {
  const buf = new Uint8Array(data.length + 1);
  buf[0] = LEAF_PREFIX;
  buf.set(data, 1);
  return sha256(buf);
}

/**
 * The leaf hash of a buffer whose first byte is reserved for the prefix, so a
 * row encoder can hash without copying (see canonical-row.ts).
 */
export function leafHashOfPrefixed(bufWithSpareFirstByte: Uint8Array): Hash {
  bufWithSpareFirstByte[0] = LEAF_PREFIX;
  return sha256(bufWithSpareFirstByte);
}

// One scratch buffer for node hashing: the hash is computed synchronously, so
// nothing can observe the buffer between the writes and the digest.
const nodeScratch = new Uint8Array(1 + 2 * HASH_SIZE);
nodeScratch[0] = NODE_PREFIX;

/** SHA-256(0x01 || left || right): an interior node of RFC 9162 §2.1.1. */
export function nodeHash(left: Hash, right: Hash): Hash {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new RangeError(`node children must be ${HASH_SIZE}-byte hashes`);
  }
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return sha256(nodeScratch);
}
