// The per-org hash chain beside the Merkle tree. Each row stores prev_hash
// (the chain head before it); the head after row n is
//   chain(n) = SHA-256("mcpg/ledger/v1/chain" || 0x00 || chain(n-1) || leaf(n))
// starting from a genesis that names the org:
//   chain(-1) = genesis(org) = SHA-256("mcpg/ledger/v1/genesis" || 0x00 || UTF-8(org)).
// The Merkle root proves membership; the chain is what lets a verifier tell
// *which* row was deleted, inserted or moved, because every row's stored
// prev_hash names its predecessor (see verify/classify-row.ts).
import { LedgerError } from './errors.ts';
import { HASH_SIZE, sha256, type Hash } from './hashing.ts';
import { utf8Bytes } from './bytes.ts';
import { assertLedgerOrg } from './ledger-org.ts';

// The tags differ and are fixed-length, so a chain input can never be read
// as a genesis input or the other way round.
const CHAIN_TAG = utf8Bytes('mcpg/ledger/v1/chain\0');
const GENESIS_TAG = utf8Bytes('mcpg/ledger/v1/genesis\0');

export function genesisHash(org: string): Hash {
  assertLedgerOrg(org);
  const name = utf8Bytes(org);
  const buf = new Uint8Array(GENESIS_TAG.length + name.length);
  buf.set(GENESIS_TAG, 0);
  buf.set(name, GENESIS_TAG.length);
  return sha256(buf);
}

const scratch = new Uint8Array(CHAIN_TAG.length + 2 * HASH_SIZE);
scratch.set(CHAIN_TAG, 0);

export function chainHash(prev: Hash, leaf: Hash): Hash {
  if (prev.length !== HASH_SIZE || leaf.length !== HASH_SIZE) {
    throw new LedgerError('INVALID_ARGUMENT', `chain inputs must be ${HASH_SIZE}-byte hashes`);
  }
  scratch.set(prev, CHAIN_TAG.length);
  scratch.set(leaf, CHAIN_TAG.length + HASH_SIZE);
  return sha256(scratch);
}
