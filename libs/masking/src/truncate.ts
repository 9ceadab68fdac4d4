// Bounds the work and the output per string: text over the cap is cut before
// masking, with a marker saying how long it was. The cut backs off to the last
// delimiter before the cap so the kept text does not end in a fragment of a
// token: a secret cut in half no longer matches its format and would
// otherwise pass through partly visible.

/** Default cap: 64 KiB of UTF-16 code units (characters, for ASCII). */
export const DEFAULT_MAX_LENGTH = 65_536;

/** How far back the cut looks for a delimiter before giving up and cutting hard. */
const BACK_OFF = 1024;

/** Characters that end a token in every rule (whitespace, quotes, separators, brackets). */
function isDelimiter(c: number): boolean {
  return (
    c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x22 || c === 0x27 || c === 0x2c || c === 0x3b ||
    c === 0x26 || c === 0x3c || c === 0x3e || c === 0x28 || c === 0x29 || c === 0x5b || c === 0x5d || c === 0x7b ||
    c === 0x7d
  );
}

/** The marker appended to cut text; it names the original length so the cut is visible and deterministic. */
export function truncationMarker(originalLength: number): string {
  return `…[TRUNCATED:${originalLength} chars]`;
}

/** `text` unchanged when within `max`, else its head (cut at a delimiter) plus the marker. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max;
  for (let i = max - 1; i >= 0 && i >= max - BACK_OFF; i--) {
    if (isDelimiter(text.charCodeAt(i))) {
      cut = i + 1;
      break;
    }
  }
  // Never split a surrogate pair: a lone high surrogate is not valid UTF-8 downstream.
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return text.slice(0, cut) + truncationMarker(text.length);
}
