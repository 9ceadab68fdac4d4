// Runs a list of text rules as ONE regular expression (an alternation built
// once at construction), in one left-to-right pass: the engine finds the
// earliest position where any rule matches, the rule decides, and scanning
// resumes after the replacement. A rejected match retries the later rules at
// the same position through pre-built sticky "rest" expressions, so rule order
// means priority without a second pass over the text.
//
// Keep each scanner's rules few and starting with literals: an alternation's
// speed comes from the engine skipping to the characters that can start a
// match, and every rule with a common first character slows all of them
// (masker.ts runs several scanners rather than one).
import type { SecretKind } from './secret-kinds.ts';
import type { TextRule, Verdict } from './text-rule.ts';

interface Alternation {
  readonly re: RegExp;
  /** Index into the scanner's rules of this alternation's first rule. */
  readonly first: number;
  /** For each of its rules, the number of the group wrapping that rule. */
  readonly wrap: readonly number[];
  /** For each of its rules, how many groups the rule itself has. */
  readonly groups: readonly number[];
}

function groupCount(source: string): number {
  return new RegExp(`(?:${source})|`).exec('')!.length - 1;
}

function alternation(rules: readonly TextRule[], first: number, flags: string): Alternation {
  const wrap: number[] = [];
  const groups: number[] = [];
  let next = 1;
  for (const r of rules) {
    wrap.push(next);
    const n = groupCount(r.source);
    groups.push(n);
    next += n + 1;
  }
  const re = new RegExp(rules.map((r) => `(${r.source})`).join('|'), flags);
  return { re, first, wrap, groups };
}

export class TextScanner {
  private readonly rules: readonly TextRule[];
  private readonly main: Alternation;
  /** rest[i]: rules i+1.. as a sticky expression, for retrying after rule i rejects. */
  private readonly rest: readonly (Alternation | undefined)[];

  constructor(rules: readonly TextRule[]) {
    if (rules.length === 0) throw new Error('TextScanner needs at least one rule');
    this.rules = rules;
    this.main = alternation(rules, 0, 'g');
    this.rest = rules.map((_, i) => (i + 1 < rules.length ? alternation(rules.slice(i + 1), i + 1, 'y') : undefined));
  }

  /** The masked text (the same string when nothing matched); `onMask` is called once per secret. */
  scan(input: string, onMask: (kind: SecretKind) => void): string {
    const re = this.main.re;
    re.lastIndex = 0;
    let out = '';
    let copied = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(input)) !== null) {
      const start = m.index;
      const verdict = this.decideAt(this.main, m, start, input);
      if (verdict === null) {
        re.lastIndex = start + 1;
        continue;
      }
      out += input.slice(copied, start) + verdict.text;
      copied = verdict.end;
      re.lastIndex = verdict.end;
      onMask(verdict.kind);
    }
    return copied === 0 ? input : out + input.slice(copied);
  }

  /** The first accepting rule at `start`, in rule order, or null. */
  private decideAt(alt: Alternation, m: RegExpExecArray, start: number, input: string): Verdict | null {
    for (;;) {
      let k = 0;
      while (m[alt.wrap[k]!] === undefined) k++;
      const w = alt.wrap[k]!;
      const index = alt.first + k;
      const verdict = this.rules[index]!.decide(m.slice(w, w + alt.groups[k]! + 1), start, input);
      if (verdict !== null) return verdict;
      const rest = this.rest[index];
      if (rest === undefined) return null;
      rest.re.lastIndex = start;
      const next = rest.re.exec(input);
      if (next === null) return null;
      alt = rest;
      m = next;
    }
  }
}
