import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truncate, truncationMarker } from './truncate.ts';

test('text within the cap is returned as is', () => {
  const s = 'x'.repeat(100);
  assert.equal(truncate(s, 100), s);
});

test('over the cap, the cut backs off to a delimiter and names the original length', () => {
  const s = `${'word '.repeat(30)}ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789`;
  const out = truncate(s, 160);
  assert.equal(out, `${'word '.repeat(30)}${truncationMarker(s.length)}`);
  assert.ok(!out.includes('ghp_'));
});

test('with no delimiter in reach, the cut is hard', () => {
  const s = 'a'.repeat(5000);
  assert.equal(truncate(s, 2000), `${'a'.repeat(2000)}${truncationMarker(5000)}`);
});

test('a surrogate pair is never split', () => {
  const s = `${'a'.repeat(1999)}🙂${'b'.repeat(2000)}`;
  const out = truncate(s, 2000);
  assert.ok(out.startsWith('a'.repeat(1999) + '…'));
});
