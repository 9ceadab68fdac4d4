// Reading the value that follows a secret name, in whichever quoting it
// uses, with sticky expressions at the value's start (never part of a
// scanning expression: matching values while scanning would re-read them from
// every `a=` of an adversarial `a=a=a=…`).
import type { KeyVerdict } from '../key-classifier.ts';

/** Longest value read after a key; the text itself is capped before masking (truncate.ts). */
const MAX_VALUE = 65_536;

// Each reads one value form at the sticky position; group 1 is the content.
const DOUBLE_QUOTED = new RegExp(String.raw`"((?:[^"\\\r\n]|\\.){0,${MAX_VALUE}})`, 'y');
// JSON inside a JSON string: `\"` closes; `\\\"` (an escaped quote one level down) and `\\\\` do not.
const ESCAPED_QUOTED = new RegExp(
  String.raw`\\"((?:[^"\\\r\n]|\\\\(?:\\"|\\\\|[^"\\\r\n])|\\[^"\\\r\n]){0,${MAX_VALUE}})`,
  'y',
);
const SINGLE_QUOTED = new RegExp(String.raw`'((?:[^'\\\r\n]|\\.){0,${MAX_VALUE}})`, 'y');
// Unquoted values end where key=value lists, URLs and code end them.
const BARE = /([^\s"'`,;&<>(){}[\]\\]{1,4096})/y;
// Header-like values (Authorization, Cookie) run to the end of the line, quotes included
// (`Digest a="1", b="2"`), but stop at a backslash (an escaped line end inside a JSON string)
// and at a quote that ends a JSON string (`", "` or `"}`).
const TO_LINE_END = /((?:[^\r\n"\\]|"(?![ \t]{0,4}(?:[}\]]|,[ \t]{0,4}"))){1,8192})/y;
// Element text: `<password>…</password>`.
export const XML_TEXT = /([^<\r\n]{1,8192})/y;

export interface Value {
  /** Where the content starts and ends (inside any quotes). */
  readonly start: number;
  readonly end: number;
  readonly content: string;
}

export function readWith(re: RegExp, input: string, at: number, skip: number): Value | null {
  re.lastIndex = at;
  const m = re.exec(input);
  if (m === null || m[1] === undefined || m[1] === '') return null;
  return { start: at + skip, end: at + skip + m[1].length, content: m[1] };
}

/** Read the value starting at `at`, in whichever quoting it uses; null when empty. */
export function readValue(input: string, at: number, kind: KeyVerdict): Value | null {
  const c = input.charCodeAt(at);
  if (c === 0x22) return readWith(DOUBLE_QUOTED, input, at, 1);
  if (c === 0x27) return readWith(SINGLE_QUOTED, input, at, 1);
  if (c === 0x5c && input.charCodeAt(at + 1) === 0x22) return readWith(ESCAPED_QUOTED, input, at, 2);
  if (kind === 'authorization' || kind === 'cookie') return readWith(TO_LINE_END, input, at, 0);
  return readWith(BARE, input, at, 0);
}
