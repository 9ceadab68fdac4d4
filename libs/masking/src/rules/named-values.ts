// Secrets named by what precedes them in text — `password=…`, `token: …`,
// `"api_key": "…"`, `\"secret\":\"…\"` (JSON inside a JSON string),
// `Authorization: Bearer …`, `--password …`, `<password>…</password>` — and
// random tokens shortly after a secret word (context-entropy.ts).
//
// One pass, driven by the stems every secret name contains (key-classifier.ts
// stemSource): the engine skips from stem to stem, and everything else — the
// whole name around the stem, its separator, the classifier, the value — is
// read at that spot. Searching for separators or tokens instead would stop at
// every `:` of a JSON document or every word of a text.
import { placeholder, type SecretKind } from '../secret-kinds.ts';
import type { KeyVerdict } from '../key-classifier.ts';
import { maskSecretValue, type FormatKind } from '../secret-value.ts';
import type { Verdict } from '../text-rule.ts';
import * as entropy from './context-entropy.ts';
import * as extent from './key-extent.ts';
import type { KeyExtent } from './key-extent.ts';
import * as reader from './value-reader.ts';
import type { Value } from './value-reader.ts';

// Module-local copies of what runs per stem and per character: an imported binding can
// cost an accessor call per use (tsx compiles modules with getter exports), which showed
// as a fifth of this pass's time.
const { CONTEXT_BEFORE, decideToken, isTokenChar, MAX_TOKEN, MIN_TOKEN, TOKEN: TOKEN_RE } = entropy;
const { isQuote, keyAround } = extent;
const { readValue, readWith, XML_TEXT } = reader;

export interface NamedValueDeps {
  readonly classify: (key: string) => KeyVerdict;
  readonly looksRandom: (token: string, strongContext?: boolean) => boolean;
  readonly formatKind: FormatKind;
  /** Source of a lower-case alternation of the substrings every secret name contains (used with `i`). */
  readonly stems: string;
}

interface Masked extends Verdict {
  readonly start: number;
}

/** `=`, `:`, `:=`, `=>`, `==`, then blanks; read at the position after the name (and its quote). */
const SEPARATOR = /(?::=|=>|={1,3}|:)[ \t]{0,4}/y;
const CLI_GAP = /[ \t]{1,3}(?=\S)(?!--)/y;
const PLACEHOLDER_HEAD = '[REDACTED:';
const JSON_LITERAL = /^(?:null|true|false)$/;
/** How far after a stem a random token may start (the AWS look-back is the longest context used). */
const FORWARD_WINDOW = 160;

/**
 * `jsonQuote` is the quoting of a JSON-style key (`"` or `\"`) whose value is
 * unquoted: a number there becomes a quoted placeholder so JSON text stays
 * JSON, and `null`/`true`/`false` are left alone (they hold no secret).
 */
function maskValue(deps: NamedValueDeps, input: string, from: number, verdict: KeyVerdict, value: Value, jsonQuote = ''): Masked | null {
  if (jsonQuote !== '' && JSON_LITERAL.test(value.content)) return null;
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
  return { start: from, kind, text: input.slice(from, value.start) + jsonQuote + text + jsonQuote, end: value.end };
}

/** `name = value`, `"name": "value"`, `name: value` — the separator after the name (and its closing quote). */
function assignment(deps: NamedValueDeps, input: string, k: KeyExtent, verdict: KeyVerdict): Masked | null {
  let i = k.end;
  let keyQuote = '';
  if (input.charCodeAt(i) === 0x5c && input.charCodeAt(i + 1) === 0x22) keyQuote = '\\"';
  else if (isQuote(input.charCodeAt(i))) keyQuote = input[i]!;
  i += keyQuote.length;
  const quoted = keyQuote !== '';
  const blanks = i;
  while (i < input.length && i - blanks < 4 && (input.charCodeAt(i) === 0x20 || input.charCodeAt(i) === 0x09)) i++;
  SEPARATOR.lastIndex = i;
  const sep = SEPARATOR.exec(input);
  if (sep === null) return null;
  // `arn:aws:secretsmanager:…:secret:name` is a colon path, not `secret: name`.
  if (sep[0] === ':' && !quoted && i === k.end && k.before === 0x3a) return null;
  const at = i + sep[0].length;
  const value = readValue(input, at, verdict);
  if (value === null) return null;
  // A JSON key (`"k":` or `\"k\":`) with an unquoted value: a number, or a literal.
  const jsonQuote = sep[0].startsWith(':') && (keyQuote === '"' || keyQuote === '\\"') && value.start === at ? keyQuote : '';
  return maskValue(deps, input, i, verdict, value, jsonQuote);
}

/** `--password hunter2`: only names called secret outright (not "weak"); the value may start with one dash, not two. */
function cliFlag(deps: NamedValueDeps, input: string, k: KeyExtent, verdict: KeyVerdict): Masked | null {
  if (verdict === 'weak' || input.charCodeAt(k.start) !== 0x2d || input.charCodeAt(k.start + 1) !== 0x2d) return null;
  CLI_GAP.lastIndex = k.end;
  const gap = CLI_GAP.exec(input);
  if (gap === null) return null;
  const value = readValue(input, k.end + gap[0].length, verdict);
  return value === null ? null : maskValue(deps, input, k.end, verdict, value);
}

/** `<password>…</password>`. */
function xmlElement(deps: NamedValueDeps, input: string, k: KeyExtent, verdict: KeyVerdict): Masked | null {
  if (input.charCodeAt(k.start - 1) !== 0x3c || input.charCodeAt(k.end) !== 0x3e) return null;
  const value = readWith(XML_TEXT, input, k.end + 1, 0);
  return value === null ? null : maskValue(deps, input, k.end + 1, verdict, value);
}

/** Whether the stem at `at` is in the kind of a `[REDACTED:kind]` placeholder. */
function inPlaceholder(input: string, at: number): boolean {
  let i = at;
  while (i > 0 && i > at - 40) {
    const c = input.charCodeAt(i - 1);
    if (!((c >= 97 && c <= 122) || c === 0x5f)) break;
    i--;
  }
  return input.charCodeAt(i - 1) === 0x3a && input.startsWith(PLACEHOLDER_HEAD, i - PLACEHOLDER_HEAD.length);
}

export interface NamedValuePass {
  scan(input: string, onMask: (kind: SecretKind) => void): string;
}

/**
 * The CONTEXT_BEFORE characters before input position `at` as they read once
 * masked: `recent` is the output's tail as of input position `copied`.
 */
function maskedBefore(input: string, at: number, copied: number, recent: string): string {
  if (at - copied >= CONTEXT_BEFORE) return input.slice(at - CONTEXT_BEFORE, at);
  return (recent + input.slice(copied, at)).slice(-CONTEXT_BEFORE);
}

export function namedValuePass(deps: NamedValueDeps): NamedValuePass {
  // AWS words start no name the classifier knows, but open the AWS secret key's context.
  const stemRe = new RegExp(`${deps.stems}|akia|asia|aws`, 'gi');
  return {
    scan(input, onMask) {
      stemRe.lastIndex = 0;
      let out = '';
      let copied = 0;
      // The output's last characters, for the context of the next token (see maskedBefore).
      let recent = '';
      // Every position before `walked` has been looked at for tokens: each token is decided once.
      let walked = 0;
      let m: RegExpExecArray | null;
      while ((m = stemRe.exec(input)) !== null) {
        // A stem inside text already replaced (a masked token) names nothing.
        if (m.index < copied) {
          stemRe.lastIndex = copied;
          continue;
        }
        const stemEnd = m.index + m[0].length;
        // The kind inside an earlier pass's placeholder (`[REDACTED:connection_password]`) names no
        // value, though its words still open the window below (`[REDACTED:aws_access_key_id],wJalr…`).
        const k = inPlaceholder(input, m.index) ? null : keyAround(input, m.index, stemEnd, copied);
        // One look per name: the next stem search starts after it.
        if (k !== null) stemRe.lastIndex = k.end;
        const verdict = k === null ? null : deps.classify(k.key);
        let from = k?.end ?? stemEnd;
        let anchor = stemEnd;
        if (k !== null && verdict !== null) {
          const named = assignment(deps, input, k, verdict) ?? cliFlag(deps, input, k, verdict) ?? xmlElement(deps, input, k, verdict);
          if (named !== null) {
            recent = (maskedBefore(input, named.start, copied, recent) + named.text).slice(-CONTEXT_BEFORE);
            out += input.slice(copied, named.start) + named.text;
            copied = stemRe.lastIndex = from = anchor = named.end;
            onMask(named.kind);
          }
        }
        // The random tokens in the window after the name (or its masked value), up to the next
        // stem: that stem's own name may have a value, and a token grabbed here would leave the
        // value's non-token characters behind.
        const to = Math.min(input.length, anchor + FORWARD_WINDOW);
        // Where the next stem is, looked up only once a candidate token turns up.
        let nextStem = -1;
        let i = Math.max(from, walked);
        // A stem inside a token (no name around it): that token is in the window too, if not yet seen.
        // (Bounded: a run longer than a token can be is no token.)
        if (k === null) {
          let runStart = i;
          const floor = Math.max(walked, copied, i - MAX_TOKEN);
          while (runStart > floor && isTokenChar(input.charCodeAt(runStart - 1))) runStart--;
          if (runStart === 0 || !isTokenChar(input.charCodeAt(runStart - 1))) i = runStart;
        }
        while (i < to) {
          if (!isTokenChar(input.charCodeAt(i))) {
            i++;
            continue;
          }
          // Measure the run in the loop; only a long one is worth the expression and the decision.
          const runStart = i;
          while (i < input.length && isTokenChar(input.charCodeAt(i))) i++;
          if (i - runStart < MIN_TOKEN || (runStart > 0 && isTokenChar(input.charCodeAt(runStart - 1)))) continue;
          if (nextStem < 0) {
            // Stems inside text already masked name nothing (the main loop skips them too).
            const resume = stemRe.lastIndex;
            stemRe.lastIndex = Math.max(resume, copied);
            nextStem = stemRe.exec(input)?.index ?? input.length;
            stemRe.lastIndex = resume;
          }
          if (runStart >= nextStem) {
            // Not this window's to decide: leave it, undecided, to the next stem's.
            i = runStart;
            break;
          }
          TOKEN_RE.lastIndex = runStart;
          const t = TOKEN_RE.exec(input);
          const before = t === null ? '' : maskedBefore(input, runStart, copied, recent);
          const v = t === null ? null : decideToken(deps, t[0], before);
          if (v !== null) {
            recent = (before + v.text).slice(-CONTEXT_BEFORE);
            out += input.slice(copied, runStart) + v.text;
            copied = runStart + v.length;
            onMask(v.kind);
            nextStem = -1;
          }
        }
        walked = Math.max(walked, i);
      }
      return copied === 0 ? input : out + input.slice(copied);
    },
  };
}
