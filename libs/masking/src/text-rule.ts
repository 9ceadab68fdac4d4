// One text rule: a regular-expression source plus a decision on each match.
// The scanner (text-scanner.ts) joins every rule into one alternation, so a
// rule's source must be linear on its own: start with a look-behind boundary
// or a literal prefix, use only bounded quantifiers over classes that stop at
// the token's end, and never nest quantifiers. Back-references are not allowed
// (groups are renumbered when rules are joined).
import type { SecretKind } from './secret-kinds.ts';

/** What replaces input[start, end): `text`, counted as one secret of `kind`. */
export interface Verdict {
  readonly kind: SecretKind;
  readonly text: string;
  readonly end: number;
}

export interface TextRule {
  /** For tests and benchmarks only; never in output. */
  readonly name: string;
  readonly source: string;
  /**
   * Decide on a match: `g[0]` is the rule's whole match at `start` in
   * `input`, `g[1..]` its own groups. Null rejects it, and the scanner tries
   * the rules after this one at the same position, then moves on by one.
   */
  decide(g: readonly (string | undefined)[], start: number, input: string): Verdict | null;
}

/** The common verdict: the whole match replaced by `text`. */
export function replaceMatch(kind: SecretKind, text: string, start: number, g: readonly (string | undefined)[]): Verdict {
  return { kind, text, end: start + g[0]!.length };
}
