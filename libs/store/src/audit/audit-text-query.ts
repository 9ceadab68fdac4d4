// Full-text query syntax of audit search, tokenised exactly like the `text`
// index of migration 006 (tokenizer splitByNonAlpha over lower-cased text), so
// every word a user types becomes a token the index knows.
//
//   deploy failed      both words, anywhere in the row
//   "permission denied" the words consecutively (a phrase)
//   -staging           rows without the word
//   -"dry run"         rows without the phrase
//
// A word the tokenizer splits (`rate_limit`, `github__create_pr`) is searched
// as the phrase of its parts, which is what the user typed. Anything that is
// not a letter, digit or non-ASCII character is a separator, never syntax: the
// query text cannot reach the SQL (it travels as array/string parameters).

/** Full-text conditions, already tokenised like the index (lower-case tokens). */
export interface AuditTextQuery {
  /** Tokens that must all occur. */
  readonly all: readonly string[];
  /** Phrases (tokens joined by one space) that must each occur as consecutive tokens. */
  readonly phrases: readonly string[];
  /** Tokens none of which may occur. */
  readonly none: readonly string[];
  /** Phrases none of which may occur. */
  readonly nonePhrases: readonly string[];
}

/** Most tokens one query may hold (each costs an index lookup). */
export const MAX_QUERY_TOKENS = 32;

// splitByNonAlpha: a token is a maximal run of ASCII letters/digits and
// non-ASCII characters; every other ASCII character separates.
const SEPARATORS = /[\u0000-\u002f\u003a-\u0040\u005b-\u0060\u007b-\u007f]+/;

/** The tokens the index stores for `text` (lower-cased like lowerUTF8). */
export function tokenizeLikeIndex(text: string): string[] {
  return text.toLowerCase().split(SEPARATORS).filter((t) => t !== '');
}

export type ParsedAuditText = { readonly ok: true; readonly query: AuditTextQuery | undefined } | { readonly ok: false; readonly reason: string };

/** Parses `q`; `query` is undefined when it holds no searchable token. */
export function parseAuditText(q: string): ParsedAuditText {
  const all = new Set<string>();
  const phrases = new Set<string>();
  const none = new Set<string>();
  const nonePhrases = new Set<string>();
  let tokens = 0;
  // A term: optional '-', then a quoted phrase (an unclosed quote runs to the end) or a bare word.
  const TERM = /(-?)(?:"([^"]*)"?|([^\s"]+))/g;
  for (const m of q.matchAll(TERM)) {
    const negated = m[1] === '-';
    const parts = tokenizeLikeIndex(m[2] ?? m[3] ?? '');
    if (parts.length === 0) continue;
    tokens += parts.length;
    if (parts.length === 1) (negated ? none : all).add(parts[0]!);
    else (negated ? nonePhrases : phrases).add(parts.join(' '));
  }
  if (tokens > MAX_QUERY_TOKENS) return { ok: false, reason: `holds ${tokens} words; at most ${MAX_QUERY_TOKENS} are searched` };
  if (all.size + phrases.size + none.size + nonePhrases.size === 0) return { ok: true, query: undefined };
  return { ok: true, query: { all: [...all], phrases: [...phrases], none: [...none], nonePhrases: [...nonePhrases] } };
}
