// Secrets named by what precedes them in text: `password=…`, `token: …`,
// `"api_key": "…"`, `\"secret\":\"…\"` (JSON inside a JSON string),
// `Authorization: Bearer …`, `--password …`, `<password>…</password>`.
//
// The expression matches only the key and the separator; the key classifier
// (key-classifier.ts) decides, and only then is the value read, with sticky
// expressions at the value's start. Matching the value in the expression
// itself would re-scan it from every `a=` of an adversarial `a=a=a=…`.
import { placeholder, type SecretKind } from '../secret-kinds.ts';
import type { KeyVerdict } from '../key-classifier.ts';
import { maskSecretValue, type FormatKind } from '../secret-value.ts';
import type { TextRule, Verdict } from '../text-rule.ts';

export interface AssignmentDeps {
  readonly classify: (key: string) => KeyVerdict;
  readonly looksRandom: (token: string) => boolean;
  readonly formatKind: FormatKind;
  /** Source of an alternation of substrings every secret key contains (key-classifier.ts). */
  readonly stems: string;
}

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
const XML_TEXT = /([^<\r\n]{1,8192})/y;

interface Value {
  readonly start: number;
  readonly end: number;
  readonly content: string;
}

function readWith(re: RegExp, input: string, at: number, skip: number): Value | null {
  re.lastIndex = at;
  const m = re.exec(input);
  if (m === null || m[1] === undefined || m[1] === '') return null;
  return { start: at + skip, end: at + skip + m[1].length, content: m[1] };
}

/** Read the value starting at `at`, in whichever quoting it uses. */
function readValue(input: string, at: number, kind: KeyVerdict): Value | null {
  const c = input.charCodeAt(at);
  if (c === 0x22) return readWith(DOUBLE_QUOTED, input, at, 1);
  if (c === 0x27) return readWith(SINGLE_QUOTED, input, at, 1);
  if (c === 0x5c && input.charCodeAt(at + 1) === 0x22) return readWith(ESCAPED_QUOTED, input, at, 2);
  if (kind === 'authorization' || kind === 'cookie') return readWith(TO_LINE_END, input, at, 0);
  return readWith(BARE, input, at, 0);
}

/** Strip what only marks a key as a key: flag dashes, `$`/`@` sigils, a Ruby symbol's colon. */
function bareKey(raw: string): string {
  return raw.replace(/^(?:-{1,2}|[$@:])/, '');
}

function maskValue(deps: AssignmentDeps, input: string, start: number, verdict: KeyVerdict, value: Value): Verdict | null {
  let text: string;
  let kind: SecretKind;
  if (verdict === 'weak') {
    if (!deps.looksRandom(value.content)) return null;
    kind = 'high_entropy';
    text = placeholder(kind);
  } else {
    const masked = maskSecretValue(value.content, verdict!, deps.formatKind);
    if (masked.kind === null) return null;
    kind = masked.kind;
    text = masked.text;
  }
  return { kind, text: input.slice(start, value.start) + text, end: value.end };
}

const KEY = String.raw`(?:-{1,2}|[$@:])?[A-Za-z_][A-Za-z0-9_.\-]{0,63}`;

const SEP = String.raw`[ \t]{0,4}(?::=|=>|={1,3}|:)[ \t]{0,4}`;

export function assignmentRules(deps: AssignmentDeps): TextRule[] {
  // Checked by look-behind once key and separator have matched: a stem inside the key.
  const stem = (keyChars: string, after: string) => String.raw`(?<=${deps.stems}${keyChars}{0,63}${after})`;
  return [
    {
      name: 'assignment',
      // quote? key quote? separator — `=`, `:`, `:=`, `=>`, `==`
      source:
        String.raw`(?<![A-Za-z0-9_.\-])(\\?["'\x60]?)(${KEY})(?![A-Za-z0-9_.\-])(\\?["'\x60]?)(${SEP})` +
        stem(String.raw`[A-Za-z0-9_.\-]`, String.raw`\\?["'\x60]?${SEP}`),
      decide(g, start, input) {
        const key = bareKey(g[2]!);
        // `arn:aws:secretsmanager:…:secret:name` is a colon path, not `secret: name`.
        if (g[4] === ':' && g[1] === '' && input.charCodeAt(start - 1) === 0x3a) return null;
        const verdict = deps.classify(key);
        if (verdict === null) return null;
        const value = readValue(input, start + g[0]!.length, verdict);
        return value === null ? null : maskValue(deps, input, start, verdict, value);
      },
    },
    {
      name: 'cli-flag',
      // `--password hunter2`: only names the classifier calls secret outright (not "weak"). The
      // value may start with one dash (getopt takes the next word whatever it is), not with two.
      source:
        String.raw`(?<![A-Za-z0-9_.\-])--([A-Za-z][A-Za-z0-9_\-]{1,63})[ \t]{1,3}(?=\S)(?!--)` +
        stem(String.raw`[A-Za-z0-9_\-]`, String.raw`[ \t]{1,3}`),
      decide(g, start, input) {
        const verdict = deps.classify(g[1]!);
        if (verdict === null || verdict === 'weak') return null;
        const value = readValue(input, start + g[0]!.length, verdict);
        return value === null ? null : maskValue(deps, input, start, verdict, value);
      },
    },
    {
      name: 'xml-element',
      source: String.raw`<([A-Za-z_][A-Za-z0-9_.:\-]{0,63})>` + stem(String.raw`[A-Za-z0-9_.:\-]`, '>'),
      decide(g, start, input) {
        const verdict = deps.classify(g[1]!);
        if (verdict === null) return null;
        const value = readWith(XML_TEXT, input, start + g[0]!.length, 0);
        return value === null ? null : maskValue(deps, input, start, verdict, value);
      },
    },
  ];
}
