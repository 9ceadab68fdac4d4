// Avro single-object encoding (Avro specification, "Single-object encoding"):
// a two-byte marker, the schema's CRC-64-AVRO fingerprint little-endian, then
// the Avro binary body. The fingerprint is what makes each Kafka message
// self-describing without a schema registry service.
import { EventError } from './errors.ts';

export const MARKER = Buffer.from([0xc3, 0x01]);
export const FINGERPRINT_LENGTH = 8;
export const HEADER_LENGTH = MARKER.length + FINGERPRINT_LENGTH;

/** The 10-byte header for a schema with this (8-byte, little-endian) fingerprint. */
export function singleObjectHeader(fingerprint: Buffer): Buffer {
  if (fingerprint.length !== FINGERPRINT_LENGTH) throw new RangeError(`fingerprint must be ${FINGERPRINT_LENGTH} bytes`);
  return Buffer.concat([MARKER, fingerprint]);
}

/**
 * Checks the marker and returns the fingerprint as lowercase hex (the
 * registry's key). A message too short to hold a header is TRUNCATED only if
 * what is there could still be a marker; otherwise it is not ours at all.
 */
export function readFingerprint(bytes: Buffer): string {
  // Byte by byte: this runs for every consumed message.
  if ((bytes.length > 0 && bytes[0] !== MARKER[0]) || (bytes.length > 1 && bytes[1] !== MARKER[1])) {
    throw new EventError('BAD_MAGIC', `message starts with ${bytes.subarray(0, 2).toString('hex')}, not the single-object marker c301`);
  }
  if (bytes.length < HEADER_LENGTH) {
    throw new EventError('TRUNCATED', `message is ${bytes.length} bytes, shorter than the ${HEADER_LENGTH}-byte single-object header`);
  }
  return bytes.toString('hex', MARKER.length, HEADER_LENGTH);
}
