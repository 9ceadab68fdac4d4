import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admission } from './admission.ts';

test('at most maxConcurrent run; the rest queue up to the limit, then are refused', async () => {
  const a = new Admission({ maxConcurrent: 2, queueLimit: 1 });
  const r1 = a.acquire('query');
  const r2 = a.acquire('query');
  assert.equal(typeof r1, 'function');
  assert.equal(typeof r2, 'function');
  const queued = a.acquire('query');
  assert.ok(queued instanceof Promise);
  assert.equal(a.acquire('query'), undefined, 'queue full');
  assert.deepEqual(a.stats(), { running: 2, queued: { fleet: 0, query: 1, stream: 0 }, rejected: { fleet: 0, query: 1, stream: 0 } });
  (r1 as () => void)();
  const r3 = await queued;
  assert.equal(typeof r3, 'function');
  assert.equal(a.stats().running, 2);
  r3!();
  r3!(); // releasing twice frees one slot only
  (r2 as () => void)();
  assert.equal(a.stats().running, 0);
});

test('a freed slot goes to the fleet endpoint before queries and exports, whatever the arrival order', async () => {
  const a = new Admission({ maxConcurrent: 1, queueLimit: 10 });
  const first = a.acquire('query') as () => void;
  const order: string[] = [];
  const waiters = [
    (a.acquire('stream') as Promise<(() => void) | undefined>).then((r) => (order.push('stream'), r)),
    (a.acquire('query') as Promise<(() => void) | undefined>).then((r) => (order.push('query'), r)),
    (a.acquire('fleet') as Promise<(() => void) | undefined>).then((r) => (order.push('fleet'), r)),
  ];
  first();
  // Release in turn: each release hands the slot to the next by priority.
  const releases: (() => void)[] = [];
  for (const w of waiters) void w.then((r) => releases.push(r!));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['fleet']);
  releases.shift()!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['fleet', 'query']);
  releases.shift()!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['fleet', 'query', 'stream']);
  releases.shift()!();
  assert.equal(a.stats().running, 0);
});

test('a queue limit of 0 refuses as soon as every slot is taken; each class has its own queue', () => {
  const a = new Admission({ maxConcurrent: 1, queueLimit: 0 });
  assert.equal(typeof a.acquire('fleet'), 'function');
  assert.equal(a.acquire('fleet'), undefined);
  assert.equal(a.acquire('query'), undefined);
  const b = new Admission({ maxConcurrent: 1, queueLimit: 1 });
  b.acquire('query');
  assert.ok(b.acquire('query') instanceof Promise);
  assert.ok(b.acquire('fleet') instanceof Promise, 'a full query queue does not refuse the fleet endpoint');
});
