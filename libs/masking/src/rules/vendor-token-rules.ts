// Credentials whose format names the issuer: a literal prefix plus a bounded
// run of the issuer's alphabet. The look-behind keeps each rule from starting
// inside a longer word (`disk-…` is not `sk-…`), which is also what keeps the
// scan linear on adversarial runs: a rule can only start at a run's first char.
import type { SecretKind } from '../secret-kinds.ts';
import { placeholder } from '../secret-kinds.ts';
import { replaceMatch, type TextRule } from '../text-rule.ts';

/** A rule that masks the whole match, optionally after a check of the match. */
function vendorRule(name: string, kind: SecretKind, source: string, accept?: (token: string) => boolean): TextRule {
  const text = placeholder(kind);
  return {
    name,
    source,
    decide: (g, start) => (accept === undefined || accept(g[0]!) ? replaceMatch(kind, text, start, g) : null),
  };
}

/** OpenAI-style keys share `sk-` with ordinary kebab-case words; a key mixes letters and digits. */
function mixesClasses(token: string): boolean {
  return /[0-9]/.test(token) && /[A-Z]/.test(token) && /[a-z]/.test(token);
}

function mixedCase(token: string): boolean {
  return /[A-Z]/.test(token) && /[a-z]/.test(token);
}

export function vendorTokenRules(): TextRule[] {
  return [
    // Classic tokens are prefix + 36 alphanumerics; newer ones may be longer.
    vendorRule('github', 'github_token', String.raw`(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,251}`),
    vendorRule('github-fine-grained', 'github_token', String.raw`(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,251}`),
    vendorRule('gitlab', 'gitlab_token', String.raw`(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,64}`),
    vendorRule('slack-token', 'slack_token', String.raw`(?<![A-Za-z0-9_-])(?:xox[abposre]-[A-Za-z0-9-]{10,250}|xapp-[0-9]-[A-Za-z0-9-]{10,250})`),
    vendorRule('stripe', 'stripe_key', String.raw`(?<![A-Za-z0-9_])(?:[sr]k_(?:live|test)_[A-Za-z0-9]{16,247}|whsec_[A-Za-z0-9+/=]{24,88})`),
    vendorRule('google-api-key', 'google_api_key', String.raw`(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}`),
    vendorRule('google-oauth', 'google_oauth_token', String.raw`(?<![A-Za-z0-9_.-])ya29\.[0-9A-Za-z_-]{20,2048}`),
    vendorRule('anthropic', 'anthropic_key', String.raw`(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,250}`),
    vendorRule('openai', 'openai_key', String.raw`(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,250}`, mixesClasses),
    vendorRule('npm', 'npm_token', String.raw`(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}`),
    vendorRule('huggingface', 'huggingface_token', String.raw`(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,40}`, mixedCase),
    vendorRule('sendgrid', 'sendgrid_key', String.raw`(?<![A-Za-z0-9_-])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}`),
    // AKIA: long-term key id; ASIA: temporary (STS); ABIA / ACCA: other AWS services' key ids.
    vendorRule('aws-access-key-id', 'aws_access_key_id', String.raw`(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])`),
  ];
}
