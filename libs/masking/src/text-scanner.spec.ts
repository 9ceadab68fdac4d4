import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextScanner } from './text-scanner.ts';
import { replaceMatch, type TextRule } from './text-rule.ts';
import type { SecretKind } from './secret-kinds.ts';

const rule = (name: string, source: string, kind: SecretKind, accept: (g: readonly (string | undefined)[]) => boolean = () => true): TextRule => ({
  name,
  source,
  decide: (g, start) => (accept(g) ? replaceMatch(kind, `<${name}:${g[1] ?? g[0]}>`, start, g) : null),
});

test('earlier rules win at the same position; a rejection falls through to later rules there', () => {
  const scanner = new TextScanner([
    rule('first', 'ab(c)', 'token', (g) => g[1] === 'c'),
    rule('odd', 'a(b)', 'secret', () => false),
    rule('last', '(a)b', 'password'),
  ]);
  const kinds: string[] = [];
  assert.equal(scanner.scan('xabc abd', (k) => kinds.push(k)), 'x<first:c> <last:a>d');
  assert.deepEqual(kinds, ['token', 'password']);
});

test('nothing matched: the very same string comes back', () => {
  const scanner = new TextScanner([rule('r', 'zz', 'token')]);
  const s = 'a'.repeat(100);
  assert.equal(scanner.scan(s, () => assert.fail('no match expected')), s);
});

test('a rule may extend its replacement past the match', () => {
  const scanner = new TextScanner([
    { name: 'to-end', source: 'k:', decide: (_g, start, input) => ({ kind: 'cookie', text: 'k:*', end: input.indexOf(';', start) }) },
  ]);
  assert.equal(scanner.scan('a k:123; b', () => {}), 'a k:*; b');
});
