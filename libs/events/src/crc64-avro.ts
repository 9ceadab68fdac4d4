// CRC-64-AVRO, the 64-bit Rabin fingerprint the Avro specification recommends
// for schema fingerprints ("Schema Fingerprints"), written out here because
// avsc only offers MD5/SHA hashes. It runs once per schema at start-up, so
// BigInt arithmetic is plenty fast and keeps the algorithm readable.

const MASK_64 = (1n << 64n) - 1n;

/** The fingerprint of the empty string; also the polynomial the table is built from. */
export const CRC64_AVRO_EMPTY = 0xc15d213aa4d7a795n;

const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (fp & 1n ? CRC64_AVRO_EMPTY : 0n);
  return fp;
});

/** The fingerprint as an unsigned 64-bit integer. */
export function crc64Avro(data: Uint8Array): bigint {
  let fp = CRC64_AVRO_EMPTY;
  for (const byte of data) fp = ((fp >> 8n) ^ (TABLE[Number((fp ^ BigInt(byte)) & 0xffn)] as bigint)) & MASK_64;
  return fp;
}

/** The fingerprint as it travels in single-object encoding: 8 bytes, little-endian. */
export function crc64AvroBytes(data: Uint8Array): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(crc64Avro(data));
  return out;
}
