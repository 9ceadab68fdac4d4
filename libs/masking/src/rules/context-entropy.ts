// The backstop for secrets of no known format: a long random-looking token
// whose nearest preceding words name a secret ("my api key is Xq…",
// "token Xq…"), and the AWS secret access key (40 base64 characters with no
// prefix of its own) when "aws", "secret" or an access key id comes shortly
// before it. Called by the named-value pass for the tokens in the window after
// each secret-ish stem.
import { placeholder, type SecretKind } from '../secret-kinds.ts';
import type { KeyVerdict } from '../key-classifier.ts';

export interface ContextDeps {
  readonly classify: (key: string) => KeyVerdict;
  readonly looksRandom: (token: string, strongContext?: boolean) => boolean;
}

/** A token: base64 / base64url / path characters, 20–512 of them, then `=` padding, at a run start. */
export const TOKEN = /(?<![A-Za-z0-9_/+.~-])[A-Za-z0-9_/+.~-]{20,512}={0,2}(?![A-Za-z0-9_/+.~=-])/y;
export const MIN_TOKEN = 20;
export const MAX_TOKEN = 512;

/** The character class of TOKEN as a lookup table, for walking a window in a loop. */
const TOKEN_CHAR: Uint8Array = (() => {
  const t = new Uint8Array(128);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_/+.~-') t[c.charCodeAt(0)] = 1;
  return t;
})();
export const isTokenChar = (c: number): boolean => c < 128 && TOKEN_CHAR[c] === 1;

const AWS_SECRET_SHAPE = /^[A-Za-z0-9/+]{40}$/;
const AWS_CONTEXT = /aws|secret|(?:AKIA|ASIA)[A-Z0-9]{16}/i;
/** How far back "aws", "secret" or a key id may be: a credentials CSV has them on the line above. */
const AWS_WINDOW = 160;
/** How far back on the same line the naming words are looked for. */
const NAME_WINDOW = 64;

/** Words that sit between a name and its value in prose: "the api key is …", "your new token: …". */
const FILLER: ReadonlySet<string> = new Set([
  'is', 'was', 'are', 'be', 'been', 'the', 'a', 'an', 'my', 'your', 'our', 'their', 'his', 'her', 'its', 'this',
  'that', 'here', 'new', 'of', 'for', 'to', 'as', 'with', 'use', 'using', 'set', 'and', 'it', 'has', 'have', 'got',
  'you', 'we', 'i', 'please', 'following', 'below', 'generated', 'rotated', 'created', 'equals', 'value',
]);

const WORD = /[A-Za-z][A-Za-z0-9_-]*/g;

const PLACEHOLDER_IN_TEXT = /\[REDACTED:[a-z_]{1,40}\]/g;

/** Letters of JSON string escapes (`\n`, `\t`, `\u00e9`…). */
const ESCAPE_LETTERS = 'nrtbfu';

/** Text before a token that decideToken needs: the AWS look-back, the longest context used. */
export const CONTEXT_BEFORE = AWS_WINDOW;

/** A placeholder cut by the start of the context (`…ACTED:password] `) names nothing either. */
const CUT_PLACEHOLDER = /^[A-Za-z_:]*\]/;

/** The verdict of the last one or two non-filler words before the token, on its line. */
function nearestName(classify: ContextDeps['classify'], before: string): KeyVerdict {
  // An earlier placeholder names a masked secret, not this token ("…:[REDACTED:password]@host").
  // Placeholders do not use up the window: they are removed from twice its length first.
  let window = before.length > 2 * NAME_WINDOW ? before.slice(-2 * NAME_WINDOW) : before;
  if (window.includes(']')) window = window.replace(PLACEHOLDER_IN_TEXT, ' ').replace(CUT_PLACEHOLDER, ' ');
  window = window.slice(-NAME_WINDOW);
  const nl = window.lastIndexOf('\n');
  if (nl >= 0) window = window.slice(nl + 1);
  const words = (window.match(WORD) ?? []).filter((w) => !FILLER.has(w.toLowerCase()));
  const last = words[words.length - 1];
  if (last === undefined) return null;
  const prev = words[words.length - 2];
  // The pair decides when there is one: its head is `last` anyway, and a
  // qualifier may clear it ("public key", "page token").
  return classify(prev === undefined ? last : `${prev}_${last}`);
}

function looksLikeAwsSecret(token: string, before: string): boolean {
  return (
    token.length === 40 &&
    AWS_SECRET_SHAPE.test(token) &&
    /[A-Z]/.test(token) &&
    /[a-z]/.test(token) &&
    /[0-9]/.test(token) &&
    AWS_CONTEXT.test(before)
  );
}

export interface TokenVerdict {
  readonly kind: SecretKind;
  readonly text: string;
  /** How much of the token run the text replaces (a trailing full stop stays). */
  readonly length: number;
}

/**
 * The verdict on the token `whole`, given the CONTEXT_BEFORE characters of
 * text before it — as masked so far, so a second masking pass sees the same
 * context and decides the same (masking is idempotent).
 */
export function decideToken(deps: ContextDeps, whole: string, before: string): TokenVerdict | null {
  // A sentence's full stop is not part of the token.
  let token = whole;
  while (token.endsWith('.')) token = token.slice(0, -1);
  const length = token.length;
  // In JSON text a token may start right after an escape (`\nMIIB…`): the escape's letter stays.
  const keep = before.endsWith('\\') && ESCAPE_LETTERS.includes(token[0]!) ? token[0]! : '';
  if (keep !== '') token = token.slice(1);
  if (looksLikeAwsSecret(token, before)) {
    return { kind: 'aws_secret_access_key', text: keep + placeholder('aws_secret_access_key'), length };
  }
  // Cheap shape checks first: most candidates (paths, ids, hashes) fail here without a context lookup.
  if (!deps.looksRandom(token, true)) return null;
  const verdict = nearestName(deps.classify, before);
  if (verdict === null || (verdict === 'weak' && !deps.looksRandom(token))) return null;
  const kind: SecretKind = verdict === 'weak' ? 'high_entropy' : verdict;
  return { kind, text: keep + placeholder(kind), length };
}
