// Label normalisation for tool and plugin names: ids embedded in a name
// (`get_issue_4711`, `repo-3f2a9c1e`, a UUID or ULID) become `:id`, so one
// tool is one series instead of one series per id. Readable names stay as
// they are: an id must be a whole token (bounded by non-alphanumerics), so
// `sha256_hash`, `s3_get`, `v2_search` and `oauth2` keep their digits.
// The patterns are compiled once (STYLE.md §11) and results are cached: the
// fold sees the same few hundred names millions of times.

export const ID_PLACEHOLDER = ':id';

// Token boundaries: not preceded / followed by a letter or digit.
const B = '(?<![0-9A-Za-z])';
const E = '(?![0-9A-Za-z])';

const ID_PATTERNS: readonly RegExp[] = [
  // UUID, any version, either case.
  new RegExp(`${B}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}${E}`, 'gi'),
  // ULID: 26 Crockford base-32 characters; the first encodes the top bits of
  // a 48-bit timestamp, so it is 0–7 (and the token always holds a digit).
  new RegExp(`${B}[0-7][0-9A-HJKMNP-TV-Z]{25}${E}`, 'gi'),
  // Hex ids of 8+ characters with at least one digit (a word like
  // `deadbeef` or `facade` has none): commit shas, object ids, short hashes,
  // with or without a 0x prefix.
  new RegExp(`${B}(?:0x)?(?=[0-9a-f]*[0-9])[0-9a-f]{8,}${E}`, 'gi'),
  // Long digit runs glued to a word (`user123456`, `order_12345678`): five or
  // more, so standards and versions like `iso8601`, `rfc3339`, `utf16` stay.
  new RegExp(`(?<=[A-Za-z])[0-9]{5,}${E}`, 'g'),
  // A whole number token of two or more digits (`get_issue_4711`), unless it
  // is part of a dotted version (`1.2.3`, `python3.11`), which names a
  // release. A single digit (`gpt-4`, `claude-3-5-sonnet`, `step_2`) is far
  // more often a version or an ordinal than an id, and adds at most ten series.
  new RegExp(`${B}(?<![0-9]\\.)[0-9]{2,}${E}(?!\\.[0-9])`, 'g'),
];

/** Replaces embedded ids with `:id`. Pure; uncached (see LabelNormalizer for the cached form). */
export function normalizeLabel(value: string): string {
  // Most names have no digit at all, and every pattern needs one.
  if (!/[0-9]/.test(value)) return value;
  let out = value;
  for (const pattern of ID_PATTERNS) out = out.replace(pattern, ID_PLACEHOLDER);
  return out;
}

/**
 * normalizeLabel with a bounded cache. The bound keeps a flood of unique
 * names from growing memory without limit; when it is reached the cache
 * starts over (results never depend on the cache, only speed does).
 */
export class LabelNormalizer {
  readonly #cache = new Map<string, string>();
  readonly #maxEntries: number;

  constructor(maxEntries = 50_000) {
    this.#maxEntries = maxEntries;
  }

  normalize(value: string): string {
    let out = this.#cache.get(value);
    if (out === undefined) {
      out = normalizeLabel(value);
      if (this.#cache.size >= this.#maxEntries) this.#cache.clear();
      this.#cache.set(value, out);
    }
    return out;
  }
}
