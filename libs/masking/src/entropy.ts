// "Does this token look random?" — the test applied to values in a secret-ish
// context that no known format matched (`key=…`, "my api key is …").
//
// Shannon entropy alone cannot separate a 20-character API key from an
// identifier such as `customer_12345_invoice` (both score ~4 bits/char on so
// few characters), so the test combines three cheap signals:
//   1. shapes that are ids or digests by construction are never "random":
//      pure hex of any length (SHA-1/256, git ids, trace ids, MD5 ETags) and
//      UUIDs — a deliberate blind spot (README, "Known limits");
//   2. at least two of lower / upper / digit, and ≥ 3 bits/char of entropy;
//   3. a dotted token (host, file name) is judged by its longest segment;
//   4. letters that do not read as words: the share of adjacent letter pairs
//      that are common English bigrams. Random letters hit the 212-bigram table
//      ~31% of the time; identifiers, paths and model names made of words hit
//      it 70–100% of the time (measured in entropy.spec.ts).

/** Scratch counts for ASCII, reused across calls (masking is synchronous). */
const ASCII_COUNTS = new Uint32Array(128);

/** Bits per character of the string's own character distribution. */
export function shannonBits(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  let other: Map<number, number> | undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) ASCII_COUNTS[c]!++;
    else (other ??= new Map()).set(c, (other.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const k = c < 128 ? ASCII_COUNTS[c]! : 0;
    if (k > 0) {
      bits -= (k / n) * Math.log2(k / n);
      ASCII_COUNTS[c] = 0;
    }
  }
  if (other !== undefined) for (const k of other.values()) bits -= (k / n) * Math.log2(k / n);
  return bits;
}

/** Frequent English letter bigrams: 212 of the 676 pairs, most of those found in words. */
const COMMON_BIGRAMS =
  'th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co me de hi ri ro ' +
  'ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us ac ot il tr ly nc et ut ss so ' +
  'rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa im mi ai sh ir su id os iv ia am fi ci vi pl ' +
  'ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke fr oo av ag if ap gr od bo sp rd do uc bu ei ov by rm ep tt ' +
  'oc fa ef cu rn sc gi da yo cr cl du ga qu ue ff ba ey ls va um pp ua up lu go ht ru ug ds lt pi rc rr eg au ck ' +
  'ew mu br bi pt ak pu ui rg ib tl ny ki rk ys ob mm fu ph og ms ye ud mb ip ub oi';

/** 26×26 lookup, indexed by (a-'a')*26 + (b-'a'), built once at load. */
const BIGRAM_TABLE: Uint8Array = (() => {
  const t = new Uint8Array(26 * 26);
  for (const bg of COMMON_BIGRAMS.split(' ')) t[(bg.charCodeAt(0) - 97) * 26 + (bg.charCodeAt(1) - 97)] = 1;
  return t;
})();

/** Share of adjacent letter pairs (case-folded) that are common English bigrams, and how many pairs there were. */
export function naturalness(s: string): { ratio: number; pairs: number } {
  let pairs = 0;
  let common = 0;
  let prev = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20; // ASCII fold to lower case
    const letter = c >= 97 && c <= 122 ? c - 97 : -1;
    if (letter >= 0 && prev >= 0) {
      pairs++;
      common += BIGRAM_TABLE[prev * 26 + letter]!;
    }
    prev = letter;
  }
  return { ratio: pairs === 0 ? 0 : common / pairs, pairs };
}

const HEX = /^[0-9a-fA-F]+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export interface EntropyOptions {
  /** Shortest token considered (default 20): shorter random strings are too often ids. */
  readonly minLength?: number;
  /** Highest share of common bigrams a random token may show (default 0.65). */
  readonly maxNaturalness?: number;
}

/**
 * How much more word-like a token may be when the name before it is an
 * outright secret name ("api key is …") rather than a weak one (`key=…`):
 * the stronger the context, the less the value itself has to prove.
 */
const STRONG_CONTEXT_SLACK = 0.1;

/**
 * Build the test once, with its thresholds fixed. `strongContext` relaxes the
 * word test by STRONG_CONTEXT_SLACK.
 */
export function randomnessTest(options: EntropyOptions = {}): (token: string, strongContext?: boolean) => boolean {
  const minLength = options.minLength ?? 20;
  const maxNaturalness = options.maxNaturalness ?? 0.65;
  const test = (token: string, strongContext = false): boolean => {
    // Raw keys (base64, base64url, hex) have no dots; dotted random tokens have
    // formats of their own (JWT, ya29., SG.). A dotted token is judged by its
    // longest segment, so host names and file names do not pass as random.
    if (token.includes('.')) {
      const longest = token.split('.').reduce((a, b) => (b.length > a.length ? b : a));
      return longest.length < token.length && test(longest, strongContext);
    }
    const n = token.length;
    if (n < minLength || HEX.test(token) || UUID.test(token)) return false;
    let lower = 0;
    let upper = 0;
    let digit = 0;
    for (let i = 0; i < n; i++) {
      const c = token.charCodeAt(i);
      if (c >= 97 && c <= 122) lower++;
      else if (c >= 65 && c <= 90) upper++;
      else if (c >= 48 && c <= 57) digit++;
    }
    const classes = (lower > 0 ? 1 : 0) + (upper > 0 ? 1 : 0) + (digit > 0 ? 1 : 0);
    if (classes < 2 || lower + upper === 0) return false;
    const nat = naturalness(token);
    // Too few letter pairs to judge by words: accept unless it is mostly a number or a date.
    const random = nat.pairs < 6 ? digit / n <= 0.5 : nat.ratio <= maxNaturalness + (strongContext ? STRONG_CONTEXT_SLACK : 0);
    return random && shannonBits(token) >= 3;
  };
  return test;
}
