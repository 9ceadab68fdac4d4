import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnswerCache, type Answer } from './answer-cache.ts';

const answer = (text: string): Answer => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: Buffer.from(text) });

test('an answer is reused at the same data version and young enough, not after', () => {
  let now = 0;
  const cache = new AnswerCache({ maxAgeMs: 1000, maxBytes: 1 << 20, now: () => now });
  cache.set('k', 'v1', answer('one'));
  assert.equal(cache.get('k', 'v1')?.body.toString(), 'one');
  assert.equal(cache.get('k', 'v2'), undefined, 'a flush since: computed again');
  cache.set('k', 'v2', answer('two'));
  now = 999;
  assert.equal(cache.get('k', 'v2')?.body.toString(), 'two');
  now = 1000;
  assert.equal(cache.get('k', 'v2'), undefined, 'too old, even with no flush');
  assert.deepEqual(cache.size, { entries: 0, bytes: 0 });
});

test('keys never share an answer', () => {
  const cache = new AnswerCache({ maxAgeMs: 1000, maxBytes: 1 << 20 });
  cache.set('GET /v1/orgs/acme/audit', 'v', answer('acme'));
  assert.equal(cache.get('GET /v1/orgs/globex/audit', 'v'), undefined);
});

test('the byte budget drops the oldest answers first; one answer never takes most of it', () => {
  const cache = new AnswerCache({ maxAgeMs: 60_000, maxBytes: 400 });
  cache.set('a', 'v', answer('x'.repeat(90)));
  cache.set('b', 'v', answer('x'.repeat(90)));
  cache.set('c', 'v', answer('x'.repeat(90)));
  cache.set('d', 'v', answer('x'.repeat(90)));
  cache.set('e', 'v', answer('x'.repeat(90)));
  assert.equal(cache.get('a', 'v'), undefined);
  assert.ok(cache.get('e', 'v'));
  assert.ok(cache.size.bytes <= 400);
  cache.set('huge', 'v', answer('x'.repeat(200)));
  assert.equal(cache.get('huge', 'v'), undefined);
});

test('single flight: waiters get the answer of the request computing it, or undefined to compute their own', async () => {
  const cache = new AnswerCache({ maxAgeMs: 1000, maxBytes: 1 << 20 });
  assert.equal(cache.inFlight('k'), undefined);
  const end = cache.begin('k');
  const waiters = [cache.inFlight('k'), cache.inFlight('k')];
  end(answer('shared'));
  for (const w of await Promise.all(waiters)) assert.equal(w?.body.toString(), 'shared');
  assert.equal(cache.inFlight('k'), undefined, 'the flight is over');
  const end2 = cache.begin('k');
  const w2 = cache.inFlight('k');
  end2(undefined);
  assert.equal(await w2, undefined);
});

test('the previous answer of a key, whatever its version, while young enough; an older computation never replaces a newer answer', () => {
  let now = 0;
  const cache = new AnswerCache({ maxAgeMs: 5000, maxBytes: 1 << 20, now: () => now });
  cache.set('k', 'v1', answer('one'));
  assert.equal(cache.get('k', 'v2'), undefined, 'not a hit for a newer version');
  now = 999;
  assert.equal(cache.stale('k', 1000)?.body.toString(), 'one', 'but kept as the previous answer');
  now = 1000;
  assert.equal(cache.stale('k', 1000), undefined, 'a second old: too old to serve stale');
  assert.equal(cache.stale('other', 1000), undefined);
  cache.set('k', 'v3', answer('three'), 900);
  cache.set('k', 'v2', answer('two'), 500); // began before v3's computation, ended after
  assert.equal(cache.get('k', 'v3')?.body.toString(), 'three');
  assert.equal(cache.get('k', 'v2'), undefined);
});
