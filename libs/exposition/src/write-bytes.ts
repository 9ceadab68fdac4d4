// Byte-level writers for the exposition buffer. Plain functions over
// (buffer, position) → new position, so the JIT inlines them into the sample
// loop; callers reserve room first and these never check bounds.
//
// Numbers are written the way formatValue spells them (Go's ParseFloat reads
// them back exactly), without making a string in the common cases.

/**
 * Room for any number written. JavaScript spells numbers in [1e-7, 1e21)
 * without an exponent, so the longest is 26 characters
 * (-0.00000123456789012345678); exponent forms stay within 24.
 */
export const MAX_NUMBER_BYTES = 32;

// Below this, a value with at most three decimals is written digit by digit
// (spacing of doubles here is far below 0.001, so the three-decimal form is
// the unique shortest one and equals String(v)).
const MAX_FAST_FRACTION = 2 ** 53 / 1000;

/** ASCII-only strings (validated names, formatted numbers). */
export function writeAscii(buf: Uint8Array, p: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
  return p;
}

export function writeNumber(buf: Uint8Array, p: number, v: number): number {
  if (Number.isSafeInteger(v)) {
    // -0 takes this path too and comes out as "0".
    if (v < 0) {
      buf[p++] = 0x2d; // '-'
      v = -v;
    }
    return writeDigits(buf, p, v);
  }
  // Values with up to three decimals, such as latencies rounded to µs in ms.
  if (v > -MAX_FAST_FRACTION && v < MAX_FAST_FRACTION) {
    const a = v < 0 ? -v : v;
    const scaled = Math.round(a * 1000);
    if (scaled / 1000 === a) {
      if (v < 0) buf[p++] = 0x2d;
      const int = Math.floor(scaled / 1000);
      let frac = scaled - int * 1000;
      p = writeDigits(buf, p, int);
      buf[p++] = 0x2e; // '.'
      // Trailing zeros dropped: 250.250 → 250.25. frac > 0 here (v is not an integer).
      let width = 3;
      while (frac % 10 === 0) {
        frac /= 10;
        width--;
      }
      for (let i = width - 1; i >= 0; i--) {
        const q = Math.floor(frac / 10);
        buf[p + i] = 0x30 + (frac - q * 10);
        frac = q;
      }
      return p + width;
    }
  }
  return writeAscii(buf, p, formatNonInteger(v));
}

// Digits of a non-negative safe integer. Counts and token sums nearly always
// fit in 31 bits, where the JIT turns `/ 10 | 0` into a multiply and shift;
// larger values take the floating-point path.
function writeDigits(buf: Uint8Array, p: number, v: number): number {
  if (v < 0x80000000) {
    let x = v | 0;
    const end = p + digitCount(x);
    let i = end;
    do {
      const q = (x / 10) | 0;
      buf[--i] = 0x30 + x - q * 10;
      x = q;
    } while (x !== 0);
    return end;
  }
  let n = 10;
  for (let t = v / 1e10; t >= 1; t /= 10) n++;
  const end = p + n;
  let i = end;
  do {
    const q = Math.floor(v / 10);
    buf[--i] = 0x30 + (v - q * 10);
    v = q;
  } while (v > 0);
  return end;
}

function digitCount(x: number): number {
  if (x < 100000) return x < 100 ? (x < 10 ? 1 : 2) : x < 1000 ? 3 : x < 10000 ? 4 : 5;
  return x < 10000000 ? (x < 1000000 ? 6 : 7) : x < 100000000 ? 8 : x < 1000000000 ? 9 : 10;
}

function formatNonInteger(v: number): string {
  if (Number.isFinite(v)) return String(v);
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? '+Inf' : '-Inf';
}
