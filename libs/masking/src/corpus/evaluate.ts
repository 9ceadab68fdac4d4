// Runs the corpus through a masker: every secret sample in every context must
// come out with no 8-character piece of the secret left, and every look-alike
// must come out unchanged. Used by corpus.spec.ts (which requires both) and by
// bench/masking.ts (which prints the figures).
import { isDeepStrictEqual } from 'node:util';
import type { Masker } from '../masker.ts';
import { CONTEXTS, type Carrier } from './contexts.ts';
import { lookAlikes } from './look-alikes.ts';
import { secretSamples } from './secret-samples.ts';

export interface CaseFailure {
  readonly id: string;
  readonly context: string;
  readonly output: string;
}

export interface CorpusReport {
  readonly secrets: number;
  readonly lookAlikes: number;
  readonly secretCases: number;
  readonly maskedCases: number;
  readonly lookAlikeCases: number;
  readonly untouchedCases: number;
  /** Secret cases where some of the secret survived. */
  readonly leaks: readonly CaseFailure[];
  /** Bare secrets masked, but not under the expected placeholder. */
  readonly wrongKind: readonly CaseFailure[];
  /** Look-alike cases that were changed. */
  readonly altered: readonly CaseFailure[];
  /** masked / all secret cases. */
  readonly recall: number;
  /** masked secret cases / (those + altered look-alike cases). */
  readonly precision: number;
}

/** Shortest piece of a secret that counts as a leak. */
const PIECE = 8;

/** True when any PIECE-long run of `secret` (not spanning a line break) is in `output`. */
export function leaksSecret(output: string, secret: string): boolean {
  if (secret.length <= PIECE) return output.includes(secret);
  for (let i = 0; i + PIECE <= secret.length; i++) {
    const piece = secret.slice(i, i + PIECE);
    if (!piece.includes('\n') && output.includes(piece)) return true;
  }
  return false;
}

function run(masker: Masker, kind: 'text' | 'json', input: unknown): { output: string; changed: boolean } {
  if (kind === 'text') {
    const out = masker.maskText(input as string);
    return { output: out, changed: out !== input };
  }
  const out = masker.maskJson(input);
  return { output: JSON.stringify(out), changed: !isDeepStrictEqual(out, input) };
}

function inputs(c: Carrier): Array<{ context: string; kind: 'text' | 'json'; input: unknown }> {
  const list: Array<{ context: string; kind: 'text' | 'json'; input: unknown }> = [];
  for (const ctx of CONTEXTS) {
    const input = ctx.build(c);
    if (input !== undefined) list.push({ context: ctx.name, kind: ctx.kind, input });
  }
  return list;
}

export function evaluateCorpus(masker: Masker): CorpusReport {
  const samples = secretSamples();
  const alikes = lookAlikes();
  const leaks: CaseFailure[] = [];
  const wrongKind: CaseFailure[] = [];
  const altered: CaseFailure[] = [];
  let secretCases = 0;
  let lookAlikeCases = 0;
  for (const s of samples) {
    for (const { context, kind, input } of inputs(s)) {
      secretCases++;
      const { output } = run(masker, kind, input);
      if (leaksSecret(output, s.secret) || !output.includes('[REDACTED:')) leaks.push({ id: s.id, context, output });
      else if (context === 'bare' && !output.includes(`[REDACTED:${s.kind}]`)) wrongKind.push({ id: s.id, context, output });
    }
  }
  for (const a of alikes) {
    for (const { context, kind, input } of inputs(a)) {
      lookAlikeCases++;
      const { output, changed } = run(masker, kind, input);
      if (changed) altered.push({ id: a.id, context, output });
    }
  }
  const maskedCases = secretCases - leaks.length;
  return {
    secrets: samples.length,
    lookAlikes: alikes.length,
    secretCases,
    maskedCases,
    lookAlikeCases,
    untouchedCases: lookAlikeCases - altered.length,
    leaks,
    wrongKind,
    altered,
    recall: maskedCases / secretCases,
    precision: maskedCases / (maskedCases + altered.length),
  };
}
