import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '@mcpg/store';
import { createAuditTruncation } from './audit-truncation.ts';

/** A store whose audit trail of every org starts at `start.value` (null: never pruned), counting the engine reads. */
function fakeStore(start: { value: number | null }) {
  const reads: string[] = [];
  const store = {
    client: {
      async query(q: { query_params: { org: string } }) {
        reads.push(q.query_params.org);
        const value = start.value;
        return { json: async () => (value === null ? [] : [{ t: String(value) }]) };
      },
    },
  } as unknown as Store;
  return { store, reads };
}

test('where an org\'s rows start is read once for the searches that need it together, then kept for maxAgeMs', async () => {
  let now = 0;
  const start = { value: 5_000 as number | null };
  const { store, reads } = fakeStore(start);
  const t = createAuditTruncation(store, { maxAgeMs: 1000, now: () => now });
  const answers = await Promise.all([t.truncatedBefore({ org: 'acme' }), t.truncatedBefore({ org: 'acme', fromMs: 1_000 }), t.truncatedBefore({ org: 'acme', fromMs: 6_000 })]);
  assert.deepEqual(answers, [5_000, 5_000, null], 'a range from after the start is whole');
  assert.deepEqual(reads, ['acme']);
  assert.equal(await t.truncatedBefore({ org: 'globex' }), 5_000);
  assert.deepEqual(reads, ['acme', 'globex'], 'per org');
  start.value = 9_000; // pruned elsewhere
  now = 999;
  assert.equal(await t.truncatedBefore({ org: 'acme' }), 5_000, 'kept');
  now = 1000;
  assert.equal(await t.truncatedBefore({ org: 'acme' }), 9_000, 'read again once too old');
  assert.equal(reads.length, 3);
});

test('a prune by this process is seen at once, even by a read that was under way', async () => {
  const start = { value: null as number | null };
  const { store, reads } = fakeStore(start);
  const t = createAuditTruncation(store, { maxAgeMs: 60_000 });
  const underWay = t.truncatedBefore({ org: 'acme', fromMs: 0 }); // reads before the prune
  start.value = 7_000;
  t.forget('acme');
  assert.equal(await underWay, null);
  assert.equal(await t.truncatedBefore({ org: 'acme', fromMs: 0 }), 7_000, 'not the answer read before the prune');
  assert.equal(reads.length, 2);
  t.forget('acme');
  assert.equal(await t.truncatedBefore({ org: 'acme', fromMs: 0 }), 7_000);
  assert.equal(await t.truncatedBefore({ org: 'acme', fromMs: 0 }), 7_000);
  assert.equal(reads.length, 3, 'kept again after the read that followed');
});

test('maxAgeMs 0: read for every request', async () => {
  const { store, reads } = fakeStore({ value: 1 });
  const t = createAuditTruncation(store, { maxAgeMs: 0 });
  await t.truncatedBefore({ org: 'acme' });
  await t.truncatedBefore({ org: 'acme' });
  assert.equal(reads.length, 2);
});
