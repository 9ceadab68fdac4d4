import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_QUERY_TOKENS, parseAuditText, tokenizeLikeIndex } from './audit-text-query.ts';

const parsed = (q: string) => {
  const r = parseAuditText(q);
  assert.ok(r.ok, q);
  return r.query;
};

test('tokens split like splitByNonAlpha over lower-cased text', () => {
  assert.deepEqual(tokenizeLikeIndex('GitHub__create_pr rate-limit.exceeded'), ['github', 'create', 'pr', 'rate', 'limit', 'exceeded']);
  assert.deepEqual(tokenizeLikeIndex('Ünïcode 日本語 x\0y'), ['ünïcode', '日本語', 'x', 'y']);
  assert.deepEqual(tokenizeLikeIndex(`'"\\;--/*`), []);
});

test('words, phrases and exclusions', () => {
  assert.deepEqual(parsed('Deploy failed'), { all: ['deploy', 'failed'], phrases: [], none: [], nonePhrases: [] });
  assert.deepEqual(parsed('"permission denied" -staging -"dry run" rate_limit'), {
    all: [],
    phrases: ['permission denied', 'rate limit'],
    none: ['staging'],
    nonePhrases: ['dry run'],
  });
  // An unclosed quote runs to the end; a lone '-' or punctuation is nothing.
  assert.deepEqual(parsed('x "open phrase'), { all: ['x'], phrases: ['open phrase'], none: [], nonePhrases: [] });
  assert.equal(parsed(' - ;; "" '), undefined);
  assert.equal(parsed(''), undefined);
});

test('SQL, single quotes and backslashes are only separators; a double quote opens a phrase', () => {
  assert.deepEqual(parsed(`x' OR '1'='1 \\"; DROP TABLE audit_log; --`), {
    all: ['x', 'or'],
    phrases: ['1 1', 'drop table audit log'],
    none: [],
    nonePhrases: [],
  });
});

test('too many words is refused, not truncated', () => {
  const r = parseAuditText(Array.from({ length: MAX_QUERY_TOKENS + 1 }, (_, i) => `w${i}`).join(' '));
  assert.equal(r.ok, false);
  assert.equal(parseAuditText(Array.from({ length: MAX_QUERY_TOKENS }, (_, i) => `w${i}`).join(' ')).ok, true);
});
