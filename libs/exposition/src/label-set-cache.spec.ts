import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LabelSetCache } from './label-set-cache.ts';
import { labelRenderer } from './labels.ts';

test('a cached set renders like labelRenderer and is the same object next time', () => {
  const cache = new LabelSetCache(['org', 'tool']);
  const a = cache.get(['acme', 'say "hi"']);
  assert.equal(a.text, labelRenderer(['org', 'tool'])(['acme', 'say "hi"']));
  assert.equal(Buffer.from(a.bytes).toString('utf8'), a.text);
  assert.equal(cache.get(['acme', 'say "hi"']), a);
  assert.notEqual(cache.get(['acme', 'other']), a);
  // Values are compared as a tuple, never concatenated: no collisions.
  assert.notEqual(cache.get(['a,b', 'c']).text, cache.get(['a', 'b,c']).text);
  assert.equal(new LabelSetCache([]).get([]).bytes.length, 0);
});

test('non-ASCII values are encoded as UTF-8', () => {
  const s = new LabelSetCache(['tool']).get(['ø🙂']);
  assert.deepEqual([...s.bytes.slice(6, -1)], [...Buffer.from('ø🙂', 'utf8')]);
});

test('memory is bounded: sets unused for a generation are dropped and rebuilt on demand', () => {
  const cache = new LabelSetCache(['tool'], { maxEntries: 4 });
  const first = cache.get(['t0']);
  for (let i = 1; i < 10; i++) cache.get([`t${i}`]);
  const again = cache.get(['t0']);
  assert.notEqual(again, first, 'rebuilt after eviction');
  assert.equal(again.text, first.text);
  // A set in use keeps being promoted and survives.
  const hot = cache.get(['hot']);
  for (let i = 0; i < 10; i++) {
    cache.get([`x${i}`]);
    assert.equal(cache.get(['hot']), hot);
  }
});
