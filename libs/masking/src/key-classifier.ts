// Decides from a key name alone (JSON key, header, env var, query parameter,
// flag, XML element) whether the value under it is a secret.
//
// The rule follows English compounds: the LAST word is the head noun and says
// what the value is. `access_token` is a token; `token_count` is a count,
// `key_id` an id, `password_policy` a policy. So a key is secret only when its
// last word (after dropping value-ish suffixes such as `_hash` or `_value`) is
// a secret noun, or `key` / `code` qualified by a secret word (`api_key`,
// `auth_code`). A bare `key` or `signature` is only "weak": its value is masked
// when it looks random (see entropy.ts), since `key` also names cache keys,
// sort keys and map keys.
import type { SecretKind } from './secret-kinds.ts';

/** A secret kind (mask whatever the value is), 'weak' (mask if random-looking) or null. */
export type KeyVerdict = SecretKind | 'weak' | null;

/** Single words that make the value secret when they are the head noun. */
const SECRET_NOUNS: ReadonlyMap<string, SecretKind> = new Map<string, SecretKind>([
  ['password', 'password'],
  ['passwords', 'password'],
  ['passwd', 'password'],
  ['pwd', 'password'],
  ['passphrase', 'password'],
  ['passcode', 'password'],
  ['otp', 'password'],
  ['totp', 'password'],
  ['secret', 'secret'],
  ['secrets', 'secret'],
  // Singular only: `tokens`, `max_tokens`, `tokens_in` count LLM tokens everywhere in MCP telemetry.
  ['token', 'token'],
  ['jwt', 'token'],
  ['bearer', 'token'],
  ['apikey', 'api_key'],
  ['apikeys', 'api_key'],
  ['authorization', 'authorization'],
  ['auth', 'authorization'],
  ['cookie', 'cookie'],
  ['cookies', 'cookie'],
  ['session', 'session'],
  ['credential', 'credential'],
  ['credentials', 'credential'],
  ['creds', 'credential'],
  ['cred', 'credential'],
  ['privatekey', 'private_key'],
]);

/** Words that qualify `key` into a secret (`api_key`, `signing_key`, `secretAccessKey`). */
const SECRET_KEY_QUALIFIERS: ReadonlyMap<string, SecretKind> = new Map<string, SecretKind>([
  ['api', 'api_key'],
  ['access', 'api_key'],
  ['secret', 'secret'],
  ['private', 'private_key'],
  ['ssh', 'private_key'],
  ['signing', 'api_key'],
  ['encryption', 'api_key'],
  ['decryption', 'api_key'],
  ['master', 'api_key'],
  ['client', 'api_key'],
  ['shared', 'api_key'],
  ['hmac', 'api_key'],
  ['aes', 'api_key'],
  ['license', 'api_key'],
  ['subscription', 'api_key'],
  ['session', 'session'],
  ['auth', 'api_key'],
  ['admin', 'api_key'],
  ['service', 'api_key'],
  ['account', 'api_key'],
  ['deploy', 'api_key'],
  ['storage', 'api_key'],
  ['write', 'api_key'],
  ['root', 'api_key'],
]);

/** Words that make `key` plainly not a secret (the rest of `*_key` stays weak). */
const PUBLIC_KEY_QUALIFIERS: ReadonlySet<string> = new Set([
  'public', 'pub', 'publishable', 'primary', 'foreign', 'partition', 'sort', 'routing', 'cache', 'object', 'hash', 'row',
  'idempotency', 'dedup', 'dedupe', 'lookup', 'map', 'group', 'message', 'sharding', 'shard', 'index',
]);

/** `next_page_token` and friends are cursors, not credentials. */
const CURSOR_TOKEN_QUALIFIERS: ReadonlySet<string> = new Set([
  'page', 'next', 'prev', 'previous', 'continuation', 'cancellation', 'sync', 'resume', 'pagination', 'cursor',
  'max', 'num', 'total', 'stop', 'eos', 'bos', 'pad', 'unk', 'special',
]);

/** `auth_code`, `recovery_code`: one-time codes that grant access. */
const SECRET_CODE_QUALIFIERS: ReadonlyMap<string, SecretKind> = new Map<string, SecretKind>([
  ['auth', 'authorization'],
  ['authorization', 'authorization'],
  ['oauth', 'authorization'],
  ['otp', 'password'],
  ['mfa', 'password'],
  ['totp', 'password'],
  ['recovery', 'password'],
  ['backup', 'password'],
  ['verification', 'password'],
]);

/** Trailing words that still denote the secret itself (`password_hash`, `secretValue`, `new_password_confirm`). */
const VALUE_SUFFIXES: ReadonlySet<string> = new Set([
  'value', 'val', 'hash', 'hashed', 'digest', 'plain', 'plaintext', 'raw', 'enc', 'encrypted', 'b64', 'base64',
  'hex', 'str', 'string', 'text', 'data', 'bytes', 'confirm', 'confirmation', 'again', 'repeat', 'new', 'old',
  'current', 'header',
]);

/** Exact, case-sensitive names whose value is never a secret: the shell's working directories. */
const EXACT_SAFE: ReadonlySet<string> = new Set(['PWD', 'OLDPWD']);

/** Split `X-Api-Key`, `apiKey`, `AWS_SECRET_ACCESS_KEY`, `spring.datasource.password` into lower-case words. */
export function keyWords(key: string): string[] {
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  const words: string[] = [];
  for (const raw of spaced.split(/[^A-Za-z0-9]+/)) {
    // Trailing digits are numbering (`password2`, `db_password_1`), not meaning.
    const w = raw.toLowerCase().replace(/[0-9]+$/, '');
    if (w !== '') words.push(w);
  }
  return words;
}

/** The verdict for a single, unsplit word such as `accesstoken` or `clientsecret`. */
function singleWord(w: string): KeyVerdict {
  const direct = SECRET_NOUNS.get(w);
  if (direct !== undefined) return direct;
  if (w === 'key') return 'weak';
  if (w === 'sig' || w === 'signature') return 'weak';
  // Lower-case concatenations: `accesstoken`, `dbpassword`, `clientsecret`, `setcookie`, `apikey`.
  for (const [suffix, kind] of CONCAT_SUFFIXES) {
    if (w.length > suffix.length && w.endsWith(suffix)) {
      const head = w.slice(0, -suffix.length);
      if (suffix === 'token') return CURSOR_TOKEN_QUALIFIERS.has(head) ? null : kind;
      if (suffix === 'key') return SECRET_KEY_QUALIFIERS.get(head) ?? null;
      return kind;
    }
  }
  return null;
}

const CONCAT_SUFFIXES: ReadonlyArray<readonly [string, SecretKind]> = [
  ['password', 'password'],
  ['passwd', 'password'],
  ['passphrase', 'password'],
  ['secret', 'secret'],
  ['token', 'token'],
  ['cookie', 'cookie'],
  ['credentials', 'credential'],
  ['authorization', 'authorization'],
  ['key', 'api_key'],
];

/** Classify a key by its words; see the file comment for the rule. */
export function classifyKey(key: string): KeyVerdict {
  if (EXACT_SAFE.has(key)) return null;
  const words = keyWords(key);
  if (words.length === 0) return null;
  if (words.length >= 2 && VALUE_SUFFIXES.has(words[words.length - 1]!)) words.pop();
  const last = words[words.length - 1]!;
  const prev = words.length >= 2 ? words[words.length - 2]! : undefined;
  if (last === 'key' && prev !== undefined) {
    if (prev === 'access' && words.includes('secret')) return 'aws_secret_access_key';
    const kind = SECRET_KEY_QUALIFIERS.get(prev);
    if (kind !== undefined) return kind;
    return PUBLIC_KEY_QUALIFIERS.has(prev) ? null : 'weak';
  }
  if (last === 'token' && prev !== undefined) return CURSOR_TOKEN_QUALIFIERS.has(prev) ? null : 'token';
  if (last === 'code') return prev === undefined ? null : (SECRET_CODE_QUALIFIERS.get(prev) ?? null);
  return singleWord(last);
}

/** Options that adjust the classifier; both take key names, compared by their words. */
export interface KeyRules {
  /** Extra keys whose values are always secret (masked as `secret`). */
  readonly secretKeys?: readonly string[];
  /** Keys never secret by name (their values still go through the value rules). */
  readonly safeKeys?: readonly string[];
}

/** Keys repeat endlessly in JSON, so verdicts are cached; the cache is bounded and reset when full. */
const CACHE_LIMIT = 4096;

/** A classifier with the options applied and a verdict cache: built once per masker. */
export function keyClassifier(rules: KeyRules = {}): (key: string) => KeyVerdict {
  const norm = (k: string) => keyWords(k).join('_');
  const extra = new Set((rules.secretKeys ?? []).map(norm));
  const safe = new Set((rules.safeKeys ?? []).map(norm));
  const custom = extra.size > 0 || safe.size > 0;
  const cache = new Map<string, KeyVerdict>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    // Only the tail decides (the head noun is last), so overlong keys are cut from the front.
    let verdict = classifyKey(key.length > 128 ? key.slice(-128) : key);
    if (custom) {
      const n = norm(key);
      if (safe.has(n)) verdict = null;
      else if (extra.has(n)) verdict = 'secret';
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, verdict);
    return verdict;
  };
}

/**
 * Substrings every secret key contains. The named-value pass searches text for
 * them (and for nothing else), so text without any costs one quick scan. Extra
 * secret keys add their last word.
 */
const STEMS = ['pass', 'pwd', 'secret', 'token', 'key', 'auth', 'cookie', 'session', 'cred', 'jwt', 'bearer', 'otp', 'sig', 'code'];

/**
 * The stems as a lower-case alternation, regular-expression source for use
 * with the `i` flag (twice as fast in V8 as spelling out `[pP][aA]…`).
 */
export function stemSource(rules: KeyRules = {}): string {
  const extra = (rules.secretKeys ?? []).map((k) => keyWords(k).pop()).filter((w): w is string => w !== undefined);
  return [...new Set([...STEMS, ...extra])].join('|');
}
