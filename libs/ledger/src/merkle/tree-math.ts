// Index arithmetic for RFC 9162 trees. Sizes and indices are JS numbers (safe
// integers: 2^53 leaves is beyond any ledger), so halving uses Math.floor and
// parity uses %: the bit operators would truncate to 32 bits above 2^31 leaves.

export function isTreeIndex(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** The largest power of two strictly smaller than n (n >= 2): where MTH splits. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

export function half(n: number): number {
  return Math.floor(n / 2);
}

/** Number of set bits: how many perfect subtrees a tree of this size decomposes into. */
export function popcount(n: number): number {
  let count = 0;
  while (n > 0) {
    if (n % 2 === 1) count++;
    n = Math.floor(n / 2);
  }
  return count;
}
