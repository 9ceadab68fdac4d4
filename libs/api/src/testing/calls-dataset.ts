// Test support for the drill-down routes: a fixed-seed set of tool calls,
// folded by the rollup fold exactly as the worker folds them and stored in
// every tier (raw calls, minute rows, hour and day digests, org-wide rows), so a route's
// figures can be checked against the calls themselves.
import type { ToolCallEvent } from '@mcpg/events';
import { RollupFold, toInvocationRow } from '@mcpg/rollup';
import { insertHourTotals, insertOrgRollupTiers, insertRollups, insertTierRollups, insertToolInvocations, type Store } from '@mcpg/store';

export interface DatasetOptions {
  readonly org: string;
  readonly seed: number;
  readonly calls: number;
  readonly fromMs: number;
  readonly spanMs: number;
  /** Tools as plugin/tool; calls pick one at random. */
  readonly tools?: readonly string[];
  /** Changes a call after it is drawn (e.g. an incident); default none. */
  readonly shape?: (e: ToolCallEvent, rand: () => number) => ToolCallEvent;
}

/** mulberry32. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeCalls(o: DatasetOptions): ToolCallEvent[] {
  const rand = seededRandom(o.seed);
  const tools = o.tools ?? ['github/search', 'github/create_pr', 'slack/post', 'jira/get'];
  const out: ToolCallEvent[] = [];
  for (let i = 0; i < o.calls; i++) {
    const [plugin, tool] = tools[Math.floor(rand() * tools.length)]!.split('/') as [string, string];
    const startedAt = o.fromMs + Math.floor((i / o.calls) * o.spanMs);
    // Lognormal latency around 40 ms.
    const u = 1 - rand();
    const v = rand();
    const ms = 40 * Math.exp(0.8 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
    const r = rand();
    const outcome = r < 0.03 ? 'error' : r < 0.04 ? 'timeout' : r < 0.05 ? 'denied' : 'ok';
    const e: ToolCallEvent = {
      event_id: `${o.org}-${o.seed}-${i}`, org: o.org, workspace: rand() < 0.7 ? 'prod' : 'dev', instance: `gw-${1 + Math.floor(rand() * 3)}`,
      plugin, tool, actor: `agent-${Math.floor(rand() * 5)}@${o.org}`, source: 'mcp', started_at: startedAt, emitted_at: startedAt + Math.ceil(ms) + 2,
      duration_us: Math.max(1, Math.round(ms * 1000)), outcome, error_code: outcome === 'error' ? 'upstream_failed' : outcome === 'timeout' ? 'timeout' : null,
      error_message: outcome === 'error' ? 'upstream answered 502' : null, tokens_in: Math.floor(rand() * 200), tokens_out: Math.floor(rand() * 800),
      trace_id: (i + 1).toString(16).padStart(32, '0'), span_id: (i + 1).toString(16).padStart(16, '0'), policy_decision: outcome === 'denied' ? 'deny' : 'permit',
      policy_rule_id: outcome === 'denied' ? 'rule-7' : null,
    };
    out.push(o.shape ? o.shape(e, rand) : e);
  }
  return out;
}

/**
 * Folds the calls (one partition, offsets in order) and stores every tier;
 * `raw: false` leaves out the raw calls, `orgTier: false` the org-wide rows
 * (calls folded before those were written).
 */
export async function storeCalls(store: Store, calls: readonly ToolCallEvent[], partition = 0, options: { raw?: boolean; orgTier?: boolean } = {}): Promise<void> {
  const fold = new RollupFold();
  const rows = calls.map((e, offset) => {
    fold.add(partition, offset, e);
    return toInvocationRow(e, partition, String(offset));
  });
  if (options.raw !== false) for (let i = 0; i < rows.length; i += 20_000) await insertToolInvocations(store, rows.slice(i, i + 20_000));
  const org = fold.takeOrgRollups();
  await Promise.all([
    insertRollups(store, fold.takeRows()),
    insertTierRollups(store, 'hour', fold.takeHourRollups()),
    insertTierRollups(store, 'day', fold.takeDayRollups()),
    insertHourTotals(store, fold.takeHourTotals()),
    options.orgTier === false ? undefined : insertOrgRollupTiers(store, org),
  ]);
}
