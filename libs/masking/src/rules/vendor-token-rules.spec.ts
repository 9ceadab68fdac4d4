import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker } from '../masker.ts';

const m = createMasker();
// Fake tokens in the right shapes, built here so no real-looking secret is stored.
const rep = (s: string, n: number) => s.repeat(Math.ceil(n / s.length)).slice(0, n);

test('each issuer format is masked with its own placeholder', () => {
  const cases: Array<[string, string]> = [
    [`ghp_${rep('aB3x', 36)}`, 'github_token'],
    [`ghs_${rep('Zq9w', 36)}`, 'github_token'],
    [`github_pat_${rep('Ab1', 22)}_${rep('xY9', 59)}`, 'github_token'],
    [`glpat-${rep('Ab1-', 20)}`, 'gitlab_token'],
    [`xoxb-${rep('1', 11)}-${rep('2', 13)}-${rep('aB3', 24)}`, 'slack_token'],
    [`xapp-1-A0${rep('B', 9)}-${rep('7', 13)}-${rep('ab12', 64)}`, 'slack_token'],
    [`sk_live_${rep('aB3', 24)}`, 'stripe_key'],
    [`rk_live_${rep('aB3', 40)}`, 'stripe_key'],
    [`whsec_${rep('aB3', 32)}`, 'stripe_key'],
    [`AIza${rep('aB3_-', 35)}`, 'google_api_key'],
    [`ya29.${rep('aB3_', 60)}`, 'google_oauth_token'],
    [`sk-ant-api03-${rep('aB3_-', 93)}AA`, 'anthropic_key'],
    [`sk-proj-${rep('aB3_', 100)}`, 'openai_key'],
    [`sk-${rep('aB3x', 48)}`, 'openai_key'],
    [`npm_${rep('aB3', 36)}`, 'npm_token'],
    [`hf_${rep('aBcD', 34)}`, 'huggingface_token'],
    [`SG.${rep('aB3', 22)}.${rep('xY9', 43)}`, 'sendgrid_key'],
    ['AKIAIOSFODNN7EXAMPLE', 'aws_access_key_id'],
    [`ASIA${rep('Q7', 16)}`, 'aws_access_key_id'],
  ];
  for (const [secret, kind] of cases) {
    assert.equal(m.maskText(`value ${secret} end`), `value [REDACTED:${kind}] end`, secret);
  }
});

test('prefixes inside longer words or without the format are left alone', () => {
  for (const s of [
    'risk-assessment-for-the-next-quarter-2025', // "sk-" inside a word
    'sk-this-is-not-a-key-at-all-really', // kebab case, no digits
    'pk_live_aB3aB3aB3aB3aB3aB3aB3aB3', // publishable, public by design
    'ghp_short',
    'XAKIAIOSFODNN7EXAMPLE', // inside a longer run
    'AKIAIOSFODNN7EXAMPLE1',
  ]) {
    assert.equal(m.maskText(s), s, s);
  }
});
