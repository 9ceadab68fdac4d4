import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../create-store.ts';
import { createTestStore } from '../testing.ts';
import { insertToolInvocations } from '../tool-invocations/insert-tool-invocations.ts';
import type { ToolInvocationRow } from '../tool-invocations/tool-invocation-row.ts';
import { queryLag, type LagQuery } from './series-lag.ts';
import { STEP_MS } from './series-tiers.ts';

let store: Store;
before(async () => {
  store = await createTestStore();
});
after(async () => {
  await store.close();
});

const MIN = 60_000;
// Two hours ago, on a whole hour: inside every retention window.
const T = Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000;
let seq = 0;

/** Calls of `org` in minutes [fromMin, toMin) after T, emitted 0-120 s before now, so each one's lag spreads wide. */
function calls(org: string, fromMin: number, toMin: number, perMinute: number, tool = 'search'): ToolInvocationRow[] {
  const now = Date.now();
  const out: ToolInvocationRow[] = [];
  for (let m = fromMin; m < toMin; m++) {
    for (let i = 0; i < perMinute; i++) {
      seq++;
      const started = T + m * MIN + ((i * 7919) % MIN);
      out.push({
        event_id: `lag-${seq}`, org, workspace: 'prod', instance: 'gw-1', plugin: 'github', tool, actor: 'alice', source: 'mcp',
        started_at: started,
        // The gateway emitted it up to 120 s before it is stored (stored_at is the engine's clock at the insert).
        emitted_at: now - ((seq * 104_729) % 120_000),
        duration_us: 1_000, outcome: 'ok', error_code: '', error_hash: '', tokens_in: 1, tokens_out: 1,
        trace_id: '', span_id: '', policy_decision: 'permit', policy_rule_id: '', source_partition: 0, source_offset: String(seq),
      });
    }
  }
  return out;
}

/** Every stored call's lag per minute bucket, as the engine recorded it, sorted. */
async function rawLags(org: string): Promise<Map<number, number[]>> {
  const rs = await store.client.query({
    query: `SELECT toUnixTimestamp(toStartOfMinute(started_at)) * 1000 AS b,
                   arraySort(groupArray(greatest(toUnixTimestamp64Milli(stored_at) - toUnixTimestamp64Milli(emitted_at), 0))) AS lags
            FROM tool_invocations WHERE org = {org:String} GROUP BY b`,
    query_params: { org },
    format: 'JSONEachRow',
    clickhouse_settings: { output_format_json_quote_64bit_integers: 0 },
  });
  return new Map((await rs.json<{ b: number; lags: number[] }>()).map((r) => [Number(r.b), r.lags.map(Number)]));
}

const minutes = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => T + (from + i) * MIN);

/** How far `v` is from quantile q in rank among `sorted` (0 if it is a valid q-quantile). */
function rankError(sorted: readonly number[], v: number, q: number): number {
  const below = sorted.filter((x) => x < v).length / sorted.length;
  const atOrBelow = sorted.filter((x) => x <= v).length / sorted.length;
  return q < below ? below - q : q > atOrBelow ? q - atOrBelow : 0;
}

/** The lag of a series as querySeries asks it: org-wide unless grouped by tool. */
async function lag(org: string, over: { step?: '1m' | '1h'; byTool?: boolean } = {}) {
  const step = over.step ?? '1m';
  const q: LagQuery = {
    org, step, cols: over.byTool ? ['plugin', 'tool'] : [], where: 'org = {org:String}', orgWide: !over.byTool,
    fromMs: T, toMs: T + 60 * MIN, params: { org, step_s: STEP_MS[step] / 1000 },
  };
  const { rows, source } = await queryLag(store, q);
  const byGroup = new Map<string, Map<number, readonly [number, number]>>();
  for (const r of rows) {
    const key = over.byTool ? String(r.tool) : '';
    const m = byGroup.get(key) ?? new Map<number, readonly [number, number]>();
    byGroup.set(key, m);
    m.set(Number(r.b) * 1000, [Number(r.lag[0]), Number(r.lag[1])]);
  }
  return { source, byGroup, all: byGroup.get('') ?? new Map<number, readonly [number, number]>() };
}

/** Asserts each bucket's lag p50/p99 is a valid quantile of the stored calls' lags (within the digest's rank error). */
async function assertLagMatchesCalls(org: string, lag: ReadonlyMap<number, readonly [number, number]>, buckets: readonly number[]): Promise<void> {
  const raw = await rawLags(org);
  for (const b of buckets) {
    const got = lag.get(b);
    const sorted = raw.get(b)!;
    assert.ok(got, `lag figures for the minute at ${new Date(b).toISOString()}`);
    assert.ok(rankError(sorted, got[0], 0.5) <= 0.02, `p50 ${got[0]} at ${new Date(b).toISOString()}`);
    assert.ok(rankError(sorted, got[1], 0.99) <= 0.01, `p99 ${got[1]} at ${new Date(b).toISOString()}`);
  }
}

test('org-wide lag is merged from the per-minute lag states the view keeps on every insert, equal to the stored calls\' lag', async () => {
  // The org's first calls, two hours before the range: its lag states start there.
  await insertToolInvocations(store, calls('lagged', -120, -119, 10));
  await insertToolInvocations(store, calls('lagged', 0, 30, 400));
  await insertToolInvocations(store, calls('lagged', 10, 40, 300, 'fetch'));
  const s = await lag('lagged');
  assert.equal(s.source, 'lag_1m');
  assert.equal(s.all.size, 40);
  await assertLagMatchesCalls('lagged', s.all, minutes(0, 40));
  // An hour step merges the minute states of the hour.
  const hour = await lag('lagged', { step: '1h' });
  assert.equal(hour.source, 'lag_1m');
  const all = [...(await rawLags('lagged')).values()].flat().sort((a, b) => a - b);
  const [p50, p99] = hour.all.get(T)!;
  assert.ok(rankError(all, p50, 0.5) <= 0.02 && rankError(all, p99, 0.99) <= 0.01, `hour p50 ${p50}, p99 ${p99}`);
});

test('minutes stored before the lag states existed get their lag from the raw calls; grouped lag reads the raw calls', async () => {
  // The org's first 20 minutes as a deployment stored them before migration 074: calls, no lag states.
  await insertToolInvocations(store, calls('upgraded', 0, 20, 200));
  await store.client.command({ query: `ALTER TABLE tool_invocation_lag_1m DELETE WHERE org = 'upgraded'`, clickhouse_settings: { mutations_sync: '2' } });
  const before = await lag('upgraded');
  assert.equal(before.source, 'raw');
  assert.equal(before.all.size, 20);
  await assertLagMatchesCalls('upgraded', before.all, minutes(0, 20));
  // Then calls after the upgrade: the view keeps their states from here on.
  await insertToolInvocations(store, calls('upgraded', 20, 45, 200));
  const s = await lag('upgraded');
  assert.equal(s.source, 'lag_1m');
  assert.equal(s.all.size, 45);
  await assertLagMatchesCalls('upgraded', s.all, minutes(0, 45));

  const byTool = await lag('lagged', { byTool: true });
  assert.equal(byTool.source, 'raw');
  assert.deepEqual([...byTool.byGroup.keys()].sort(), ['fetch', 'search']);
  assert.equal(byTool.byGroup.get('fetch')!.size, 30);
  assert.equal(byTool.byGroup.get('search')!.size, 30);
});
