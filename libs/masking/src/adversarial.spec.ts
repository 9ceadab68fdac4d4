// Inputs built to make a backtracking engine go quadratic or worse: long runs
// of the characters the rules start or stop on. Each must complete and give
// sane output (timings are benchmark figures — bench/masking.ts — not test
// assertions, so a slow CI machine cannot make this flaky).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker } from './masker.ts';

const MB = 1 << 20;
const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

export const ADVERSARIAL: Readonly<Record<string, string>> = {
  'a=': fill('a='),
  'a:': fill('a:'),
  '-----BEGIN': fill('-----BEGIN RSA PRIVATE KEY-----'),
  'BEGIN no END': `-----BEGIN PRIVATE KEY-----\n${fill('QUJD\n')}`,
  eyJ: fill('eyJ'),
  'eyJ.': fill('eyJhbGciOi.'),
  ':': fill(':'),
  '@': fill('@'),
  aaa: fill('a'),
  'x://a:': fill('x://a:'),
  'scheme://u:p@': fill('https://u:p@'),
  '"a":"': fill('"a":"'),
  'password="': fill('password="'),
  '\\"': fill('\\"'),
  'Bearer ': fill('Bearer '),
  'key: abc ': fill('key: abc '),
  '<a>': fill('<a>'),
  'sk-': fill('sk-'),
  '--': fill('-'),
  base64: Buffer.alloc((MB * 3) / 4, 7).toString('base64'),
};

test('1 MB adversarial inputs complete with sane output (cap raised so the rules see all of it)', () => {
  // A cap above the masked size too, so the second pass is not cut.
  const m = createMasker({ maxLength: 8 * MB });
  for (const [name, input] of Object.entries(ADVERSARIAL)) {
    const out = m.maskText(input);
    // Sane: bounded growth (placeholders are longer than what they replace), and stable on a second
    // pass. (assert.ok, not equal: a diff of megabyte strings would drown the report.)
    assert.ok(out.length <= input.length * 4, name);
    assert.ok(m.maskText(out) === out, name);
  }
});

test('runs without any trigger pass through untouched', () => {
  const m = createMasker({ maxLength: 2 * MB });
  for (const name of ['a=', 'a:', ':', '@', 'aaa', '"a":"', '--', 'eyJ', 'sk-', 'x://a:', 'base64']) {
    assert.ok(m.maskText(ADVERSARIAL[name]!) === ADVERSARIAL[name], name);
  }
});

test('with the default cap, the same inputs are cut to 64 KiB first', () => {
  const m = createMasker();
  for (const [name, input] of Object.entries(ADVERSARIAL)) {
    assert.ok(m.maskText(input).length < 70_000 * 4, name);
  }
});

test('a deep, wide JSON value of adversarial strings completes', () => {
  const m = createMasker();
  const wide = Object.fromEntries(Object.entries(ADVERSARIAL).map(([k, s]) => [k, s.slice(0, 100_000)]));
  let v: unknown = wide;
  for (let i = 0; i < 100; i++) v = { password_policy: v, list: [Object.values(wide)[i % 20]] };
  assert.doesNotThrow(() => m.maskJson(v));
});
