import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ToolCallEvent } from '@mcpg/events';
import { createTestApi, type TestApi } from '../testing/api-test-app.ts';
import { makeCalls, storeCalls } from '../testing/calls-dataset.ts';
import { utcDaysAgo } from '@mcpg/store/testing';

const H = 3_600_000;
const T = utcDaysAgo(3, 8);
let api: TestApi;
let calls: ToolCallEvent[];

before(async () => {
  api = await createTestApi({ now: () => T + 3 * H });
  calls = makeCalls({ org: 'acme', seed: 4, calls: 6_000, fromMs: T, spanMs: 2 * H });
  await storeCalls(api.store, calls);
  // Another org's calls at the same times and labels stay out.
  await storeCalls(api.store, makeCalls({ org: 'other', seed: 4, calls: 500, fromMs: T, spanMs: 2 * H }), 1);
});
after(async () => {
  await api.close();
});

interface Page {
  items: { event_id: string; started_at: number; duration_ms: number; plugin: string; tool: string; outcome: string; error_code: string | null; trace_id: string | null }[];
  next_cursor: string | null;
}
const get = (url: string) => api.app.inject({ method: 'GET', url });
const page = async (qs: string): Promise<Page> => {
  const res = await get(`/v1/orgs/acme/invocations?${qs}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Page;
};

test('one tool and one minute, newest first: exactly the calls of that bucket', async () => {
  const from = T + 37 * 60_000;
  const want = calls
    .filter((c) => c.workspace === 'prod' && c.plugin === 'github' && c.tool === 'search' && c.started_at >= from && c.started_at < from + 60_000)
    .sort((a, b) => b.started_at - a.started_at || (a.event_id < b.event_id ? 1 : -1));
  assert.ok(want.length > 3);
  const got = await page(`from=${from}&to=${from + 60_000}&workspace=prod&plugin=github&tool=search&limit=500`);
  assert.deepEqual(got.items.map((i) => i.event_id), want.map((c) => c.event_id));
  assert.equal(got.next_cursor, null);
  const first = got.items[0]!;
  const c = want[0]!;
  assert.deepEqual(
    { started_at: first.started_at, duration_ms: first.duration_ms, outcome: first.outcome, trace_id: first.trace_id },
    { started_at: c.started_at, duration_ms: c.duration_us / 1000, outcome: c.outcome, trace_id: c.trace_id },
  );
});

test('slowest first over an hour, with a minimum duration and an outcome, paged by cursor: every call once', async () => {
  const qs = `from=${T}&to=${T + H}&plugin=github&sort=slowest&min_duration_ms=30&limit=37`;
  const want = calls
    .filter((c) => c.plugin === 'github' && c.started_at < T + H && c.duration_us >= 30_000)
    .sort((a, b) => b.duration_us - a.duration_us || (a.event_id < b.event_id ? 1 : -1))
    .map((c) => c.event_id);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const p: Page = await page(`${qs}${cursor ? `&cursor=${cursor}` : ''}`);
    seen.push(...p.items.map((i) => i.event_id));
    cursor = p.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, want);
  const errors = await page(`from=${T}&to=${T + 2 * H}&outcome=error&limit=500`);
  assert.equal(errors.items.length, calls.filter((c) => c.outcome === 'error').length);
  assert.ok(errors.items.every((i) => i.error_code === 'upstream_failed'));
});

test('bad input: a cursor from other filters, a forged cursor, from after to, a range past the kept 30 days', async () => {
  const first = await page(`from=${T}&to=${T + H}&limit=5`);
  assert.ok(first.next_cursor);
  const bad = async (qs: string, parameter: string) => {
    const res = await get(`/v1/orgs/acme/invocations?${qs}`);
    assert.equal(res.statusCode, 400, qs);
    assert.equal((res.json() as { error: { parameter: string } }).error.parameter, parameter, qs);
  };
  await bad(`from=${T}&to=${T + H}&limit=5&sort=slowest&cursor=${first.next_cursor}`, 'cursor');
  await bad(`from=${T}&to=${T + H}&limit=5&plugin=github&cursor=${first.next_cursor}`, 'cursor');
  await bad(`from=${T}&to=${T + H}&limit=5&cursor=${first.next_cursor!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))}`, 'cursor');
  await bad(`from=${T + H}&to=${T}`, 'from');
  await bad(`from=${T - 40 * 24 * H}&to=${T - 31 * 24 * H}`, 'from');
  await bad('sort=fastest', 'sort');
  await bad('min_duration_ms=-1', 'min_duration_ms');
});
