// Runs a list of text rules as ONE regular expression (an alternation built
// once at construction), in one left-to-right pass: the engine finds the
// earliest position where any rule matches, the rule decides, and scanning
// resumes after the replacement. A rejected match retries the later rules at
// the same position through pre-built sticky "rest" expressions, so rule order
// means priority without a second pass over the text.
import type { SecretKind } from './secret-kinds.ts';
import type { TextRule, Verdict } from './text-rule.ts';

interface Alternation {
  /** Only one group per rule (its wrapper): fewer groups make every exec cheaper. */
  readonly re: RegExp;
  /** Index into the scanner's rules of this alternation's first rule. */
  readonly first: number;
}

/**
 * The same source with its capturing groups made non-capturing, so the
 * combined expression numbers exactly one group per rule. Sources are ours and
 * use no back-references or named groups; this walks escapes and classes.
 */
export function withoutCaptures(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '(' && source[i + 1] !== '?') {
      out += '(?:';
    } else {
      out += c;
    }
  }
  return out;
}

function alternation(rules: readonly TextRule[], first: number, flags: string): Alternation {
  return { re: new RegExp(rules.map((r) => `(${withoutCaptures(r.source)})`).join('|'), flags), first };
}

export class TextScanner {
  private readonly rules: readonly TextRule[];
  private readonly main: Alternation;
  /** rest[i]: rules i+1.. as a sticky expression, for retrying after rule i rejects. */
  private readonly rest: readonly (Alternation | undefined)[];
  /** Each rule alone, sticky and with its groups, run at a match's start when the rule has groups. */
  private readonly own: readonly (RegExp | undefined)[];

  constructor(rules: readonly TextRule[]) {
    if (rules.length === 0) throw new Error('TextScanner needs at least one rule');
    this.rules = rules;
    this.main = alternation(rules, 0, 'g');
    this.rest = rules.map((_, i) => (i + 1 < rules.length ? alternation(rules.slice(i + 1), i + 1, 'y') : undefined));
    this.own = rules.map((r) => (withoutCaptures(r.source) === r.source ? undefined : new RegExp(r.source, 'y')));
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
      let k = 1;
      while (m[k] === undefined) k++;
      const index = alt.first + k - 1;
      const verdict = this.rules[index]!.decide(this.groupsOf(index, m[k]!, start, input), start, input);
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

  /** The rule's own groups at `start` (its sticky expression matches what the alternation matched there). */
  private groupsOf(index: number, whole: string, start: number, input: string): readonly (string | undefined)[] {
    const re = this.own[index];
    if (re === undefined) return [whole];
    re.lastIndex = start;
    return re.exec(input)!;
  }
}
