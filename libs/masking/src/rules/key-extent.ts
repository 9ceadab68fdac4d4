// Where the name around a stem starts and ends, and how it is written: the
// key of `password=…`, `"api_key": …`, `--token …`, `<secret>…`.

/** `[A-Za-z0-9_.-]`: the characters of a key name. */
export function isKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 0x5f || c === 0x2e || c === 0x2d;
}

export const isQuote = (c: number): boolean => c === 0x22 || c === 0x27 || c === 0x60;

/** Longest name read; a longer run of name characters is not a key. */
const MAX_KEY = 64;

export interface KeyExtent {
  /** The name's first and past-the-end positions in the input. */
  readonly start: number;
  readonly end: number;
  /** The name without flag dashes (`--password`), for the classifier. */
  readonly key: string;
  /** The character before the name and its sigil (`$`, `@`), or -1 at the start. */
  readonly before: number;
}

/**
 * The maximal run of name characters around the stem at [from, to), not
 * reaching back before `floor` (text already replaced); null if the run is
 * too long to be a key or does not start like one.
 */
export function keyAround(input: string, from: number, to: number, floor: number): KeyExtent | null {
  let start = from;
  while (start > floor && isKeyChar(input.charCodeAt(start - 1))) {
    if (to - --start > MAX_KEY) return null;
  }
  let end = to;
  while (end < input.length && isKeyChar(input.charCodeAt(end))) {
    if (++end - start > MAX_KEY) return null;
  }
  // Flag dashes (`--password`) are not part of the key; a key starts with a letter or `_`.
  let keyStart = start;
  while (keyStart < start + 2 && input.charCodeAt(keyStart) === 0x2d) keyStart++;
  const c = input.charCodeAt(keyStart);
  if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 0x5f)) return null;
  const key = input.slice(keyStart, end);
  const sigil = start > 0 && (input.charCodeAt(start - 1) === 0x24 || input.charCodeAt(start - 1) === 0x40) ? 1 : 0;
  return { start, end, key, before: start - sigil > 0 ? input.charCodeAt(start - sigil - 1) : -1 };
}
