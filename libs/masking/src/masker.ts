// The masker: every rule, classifier and threshold built once at construction
// (like pino compiling its redaction paths when the logger is built), then
// applied per event with no further compilation.
import { randomnessTest, type EntropyOptions } from './entropy.ts';
import { MaskingError } from './errors.ts';
import { jsonWalker } from './json-walker.ts';
import { keyClassifier, stemSource, type KeyVerdict } from './key-classifier.ts';
import { namedValuePass } from './rules/named-values.ts';
import { structureRules } from './rules/structure-rules.ts';
import { vendorTokenRules } from './rules/vendor-token-rules.ts';
import { maskSecretValue } from './secret-value.ts';
import { placeholder, SECRET_KINDS, type MaskTally, type SecretKind } from './secret-kinds.ts';
import { TextScanner } from './text-scanner.ts';
import { DEFAULT_MAX_LENGTH, truncate } from './truncate.ts';

export interface MaskerOptions {
  /**
   * Strings longer than this many UTF-16 code units are cut (at a delimiter)
   * and marked `…[TRUNCATED:<n> chars]` before masking. Default 65,536; at least 256.
   */
  readonly maxLength?: number;
  /** Nesting depth maskJson walks; deeper values become "[TRUNCATED:depth]". Default 64. */
  readonly maxDepth?: number;
  /** Extra key names whose values are always secret, e.g. `x-internal-auth`. */
  readonly secretKeys?: readonly string[];
  /** Key names never secret by name (their values still pass the value rules). */
  readonly safeKeys?: readonly string[];
  /**
   * Thresholds of the random-looking test. `minLength` applies to values under
   * weak keys; in free text a token is a candidate from 20 characters on.
   */
  readonly entropy?: EntropyOptions;
}

export interface Masker {
  /** Free text (log line, error message, stringified JSON): every text rule. */
  maskText(text: string, tally?: MaskTally): string;
  /**
   * One value. With `key` (a JSON key, header or env var name) the key's
   * verdict applies first: a secret key masks the whole value, a weak one
   * masks it if random-looking; otherwise the text rules run.
   */
  maskString(value: string, key?: string, tally?: MaskTally): string;
  /**
   * A JSON value, deeply, without mutating it; unchanged subtrees are returned
   * as they are. Numbers under secret keys become placeholder strings, so the
   * result's shape may differ from the input's type.
   */
  maskJson(value: unknown, tally?: MaskTally): unknown;
  /** Secrets masked since construction, by kind (only ever grows: a Prometheus counter's source). */
  stats(): Readonly<Record<SecretKind, number>>;
}

export const DEPTH_MARKER = '[TRUNCATED:depth]';

function intOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new MaskingError('INVALID_OPTION', `${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

function validate(options: MaskerOptions): { maxLength: number; maxDepth: number } {
  for (const name of ['secretKeys', 'safeKeys'] as const) {
    const list = options[name];
    if (list !== undefined && (!Array.isArray(list) || list.some((k) => typeof k !== 'string' || k === ''))) {
      throw new MaskingError('INVALID_OPTION', `${name} must be a list of non-empty key names`);
    }
  }
  const e = options.entropy ?? {};
  intOption('entropy.minLength', e.minLength, 20, 8, 512);
  if (e.maxNaturalness !== undefined && !(e.maxNaturalness > 0 && e.maxNaturalness <= 1)) {
    throw new MaskingError('INVALID_OPTION', `entropy.maxNaturalness must be in (0, 1], got ${String(e.maxNaturalness)}`);
  }
  return {
    maxLength: intOption('maxLength', options.maxLength, DEFAULT_MAX_LENGTH, 256, 1 << 24),
    maxDepth: intOption('maxDepth', options.maxDepth, 64, 1, 1000),
  };
}

/**
 * Below this length only a named value can match (`pwd=x`, `--pwd x`,
 * `<pwd>x`), and those need one of SEPARATOR's characters: every format,
 * header and random token is at least this long (`Basic YTpi`). Short JSON
 * values (ids, enums, names) are the common case and skip the passes.
 */
const SHORTEST_MATCH = 10;
const SEPARATOR = /[:=<-]/;

/** Bounded cache of masked object keys: keys repeat across events, and most are not secrets. */
const KEY_CACHE_LIMIT = 4096;

export function createMasker(options: MaskerOptions = {}): Masker {
  const { maxLength, maxDepth } = validate(options);
  const keyRules = { secretKeys: options.secretKeys, safeKeys: options.safeKeys };
  const classify = keyClassifier(keyRules);
  const looksRandom = randomnessTest(options.entropy);

  const counts = new Float64Array(SECRET_KINDS.length);
  const kindIndex = new Map<SecretKind, number>(SECRET_KINDS.map((k, i) => [k, i]));
  let tally: MaskTally | undefined;
  const count = (kind: SecretKind): void => {
    counts[kindIndex.get(kind)!]!++;
    if (tally !== undefined) tally[kind] = (tally[kind] ?? 0) + 1;
  };

  // Formats that identify a value on their own, also used to name a value found under a secret key.
  const formatScanner = new TextScanner([...structureRules(), ...vendorTokenRules()]);
  const formatKind = (value: string): SecretKind | null => {
    let kind = null as SecretKind | null;
    let n = 0;
    const out = formatScanner.scan(value, (k) => {
      kind = k;
      n++;
    });
    return n === 1 && kind !== null && out === placeholder(kind) ? kind : null;
  };

  const stems = stemSource(keyRules);
  // Three passes, each one expression the engine can skip through quickly (one alternation of
  // all rules is slower than the passes together: its many first characters defeat the
  // skipping). Structures first (a PEM body or JWT is masked whole before anything sees its
  // pieces), then issuer formats, then named values and random tokens after secret words. A
  // later pass sees earlier placeholders and leaves them alone.
  const passes = [
    new TextScanner(structureRules()),
    new TextScanner(vendorTokenRules()),
    namedValuePass({ classify, looksRandom, formatKind, stems }),
  ];
  const scan = (s: string): string => {
    if (s.length < SHORTEST_MATCH && !SEPARATOR.test(s)) return s;
    let out = s;
    for (const pass of passes) out = pass.scan(out, count);
    return out;
  };

  const text = (s: string): string => scan(truncate(s, maxLength));

  const underKey = (raw: string, verdict: KeyVerdict): string => {
    if (verdict === null) return text(raw);
    const s = truncate(raw, maxLength);
    if (verdict === 'weak') {
      if (!looksRandom(s.trim())) return scan(s);
      count('high_entropy');
      return placeholder('high_entropy');
    }
    const masked = maskSecretValue(s, verdict, formatKind);
    if (masked.kind !== null) count(masked.kind);
    return masked.text;
  };

  const keyCache = new Map<string, string>();
  const maskKey = (k: string): string => {
    const hit = keyCache.get(k);
    if (hit !== undefined) return hit;
    const masked = text(k);
    // Only keys without secrets are cached, so a secret key is counted every time it is seen.
    if (masked === k) {
      if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
      keyCache.set(k, k);
    }
    return masked;
  };

  const walk = jsonWalker({
    classify,
    text,
    underKey,
    key: maskKey,
    scalar: (verdict) => {
      const kind = verdict as SecretKind;
      count(kind);
      return placeholder(kind);
    },
    maxDepth,
    depthMarker: DEPTH_MARKER,
  });

  /** Run `f` with the per-call tally attached; masking is synchronous, so one slot suffices. */
  const withTally = <T>(t: MaskTally | undefined, f: () => T): T => {
    if (t === undefined) return f();
    tally = t;
    try {
      return f();
    } finally {
      tally = undefined;
    }
  };

  return {
    maskText: (s, t) => withTally(t, () => text(s)),
    maskString: (s, key, t) => withTally(t, () => (key === undefined ? text(s) : underKey(s, classify(key)))),
    maskJson: (v, t) => withTally(t, () => walk(v)),
    stats: () => Object.fromEntries(SECRET_KINDS.map((k, i) => [k, counts[i]!])) as Record<SecretKind, number>,
  };
}
