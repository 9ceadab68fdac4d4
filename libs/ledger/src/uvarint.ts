// Unsigned LEB128 ("uvarint", as in Go's encoding/binary and protobuf): 7 bits
// per byte, low group first, high bit set on all but the last byte. Only the
// minimal form is valid, so each length has exactly one encoding. Arithmetic
// instead of bit operators keeps values above 2^31 exact.

export function uvarintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Writes `n` at `at`; returns the offset after it. */
export function writeUvarint(buf: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    buf[at++] = (n % 0x80) + 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[at++] = n;
  return at;
}

/** Reads a minimal uvarint below 2^53; returns undefined if truncated, overlong or too large. */
export function readUvarint(buf: Uint8Array, at: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length; i++) {
    const byte = buf[i] as number;
    value += (byte % 0x80) * scale;
    if (!Number.isSafeInteger(value)) return undefined;
    if (byte < 0x80) {
      // A last byte of 0 after others is a padded (non-minimal) encoding.
      if (byte === 0 && i > at) return undefined;
      return { value, next: i + 1 };
    }
    scale *= 0x80;
  }
  return undefined;
}
