// The RFC 6962 / RFC 9162 hashes of the ledger's Merkle tree. SHA-256 comes
// from node:crypto (native): the tree costs one hash per row plus one per
// internal node; @noble/hashes' sha256 took 3.3 µs for a node hash's 65
// bytes, node:crypto 1.6 µs as a Buffer and 0.5 µs as latin1 text (load ~3).
import { hash } from 'node:crypto';

export type Hash = Uint8Array;
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// Digests are taken as latin1 ('binary') text, one char per byte, and copied into views
// of a shared slab, not as a Buffer each: a Buffer digest is a new backing
// store per hash, and the fold keeps three of them per row (leaf, chain link,
// ~one Merkle node). Kept alive, a 'buffer' digest cost 2.1-2.4 µs against
// 0.9 µs this way, most of it the allocation and its garbage collection, not
// SHA-256. Same bytes either way; a hash keeps its (small) slab alive.
const SLAB_BYTES = 8192;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabBytes = new Uint8Array(slab);
let slabAt = 0;

export function sha256(data: Uint8Array): Hash {
  const digest = hash('sha256', data, 'binary');
  if (slabAt + HASH_SIZE > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabBytes = new Uint8Array(slab);
    slabAt = 0;
  }
  const at = slabAt;
  for (let i = 0; i < HASH_SIZE; i++) slabBytes[at + i] = digest.charCodeAt(i);
  slabAt = at + HASH_SIZE;
  return new Uint8Array(slab, at, HASH_SIZE);
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
