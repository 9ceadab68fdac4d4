// How to count tool calls exactly while re-delivered duplicates are not yet
// merged away: FINAL vs counting distinct event ids, on the embedded engine.
// Also prints the JSONEachRow insert rate (rows built in JS included).
//   node --import tsx bench/store-count-exactness.ts [rows=1000000] [dupRatio=0.1] [redelivery|scattered]
// `redelivery` (default): each batch re-sends the tail of the previous one, as
// a worker restarted before committing does. `scattered`: duplicates of
// random older events (a worst case for FINAL: every part overlaps).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore, insertToolInvocations, migrate, type ToolInvocationRow } from '@mcpg/store';

const total = Number(process.argv[2] ?? 1_000_000);
const dupRatio = Number(process.argv[3] ?? 0.1);
const mode = process.argv[4] ?? 'redelivery';
const batch = 50_000;
const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-bench-store-'));
const store = await createStore({ kind: 'embedded', dataDir, database: 'bench' });
await migrate(store);

const outcomes = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'error', 'timeout', 'denied', 'cancelled'] as const;
// Spread over the last 24 days: two monthly partitions, none past the 30-day TTL.
const span = 24 * 86_400_000;
const t0 = Date.now() - 25 * 86_400_000;
function row(i: number): ToolInvocationRow {
  return {
    event_id: `evt-${i.toString(36).padStart(8, '0')}`,
    org: 'acme',
    workspace: `ws-${i % 5}`,
    instance: `gw-${i % 7}`,
    plugin: `plugin-${i % 10}`,
    tool: `tool-${i % 13}`,
    actor: `user-${i % 1000}`,
    source: 'mcp',
    started_at: t0 + Math.floor((i * span) / total),
    emitted_at: t0 + Math.floor((i * span) / total) + 3,
    duration_us: 1000 + (i % 5000),
    outcome: outcomes[i % outcomes.length] as ToolInvocationRow['outcome'],
    error_code: '',
    error_hash: '',
    tokens_in: i % 300,
    tokens_out: i % 900,
    trace_id: '',
    span_id: '',
    policy_decision: 'permit',
    policy_rule_id: '',
    source_partition: i % 6,
    source_offset: String(i),
  };
}

const unique = Math.round(total / (1 + dupRatio));
/** Event index of the k-th row sent. */
function eventAt(k: number): number {
  if (mode === 'scattered') return k < unique ? k : ((k - unique) * 7) % unique;
  const fresh = Math.round(batch / (1 + dupRatio));
  const b = Math.floor(k / batch);
  const j = k % batch;
  if (j < fresh || b === 0) return b * fresh + j;
  return b * fresh - (batch - j); // tail of the previous batch, again
}
let inserted = 0;
const ids = new Set<number>();
const start = performance.now();
for (let from = 0; from < total; from += batch) {
  const rows: ToolInvocationRow[] = [];
  for (let k = from; k < Math.min(from + batch, total); k++) {
    const e = eventAt(k);
    ids.add(e);
    rows.push(row(e));
  }
  await insertToolInvocations(store, rows);
  inserted += rows.length;
}
const insertMs = performance.now() - start;
console.log(`${mode}: insert ${inserted} rows (${ids.size} unique) in ${insertMs.toFixed(0)} ms = ${Math.round((inserted / insertMs) * 1000)} rows/s, batches of ${batch}`);

const variants: Record<string, string> = {
  'no dedup (wrong)': `SELECT workspace, plugin, tool, count() c, countIf(outcome IN ('error','timeout')) e
    FROM tool_invocations WHERE org = {org:String} GROUP BY workspace, plugin, tool`,
  FINAL: `SELECT workspace, plugin, tool, count() c, countIf(outcome IN ('error','timeout')) e
    FROM tool_invocations FINAL WHERE org = {org:String} GROUP BY workspace, plugin, tool`,
  'FINAL, no cross-partition merge': `SELECT workspace, plugin, tool, count() c, countIf(outcome IN ('error','timeout')) e
    FROM tool_invocations FINAL WHERE org = {org:String} GROUP BY workspace, plugin, tool
    SETTINGS do_not_merge_across_partitions_select_final = 1`,
  'uniqExact(event_id)': `SELECT workspace, plugin, tool, uniqExact(event_id) c, uniqExactIf(event_id, outcome IN ('error','timeout')) e
    FROM tool_invocations WHERE org = {org:String} GROUP BY workspace, plugin, tool`,
  'count(DISTINCT) via LIMIT 1 BY': `SELECT workspace, plugin, tool, count() c, countIf(outcome IN ('error','timeout')) e
    FROM (SELECT workspace, plugin, tool, outcome FROM tool_invocations WHERE org = {org:String} LIMIT 1 BY event_id)
    GROUP BY workspace, plugin, tool`,
};

async function measure(label: string) {
  const parts = await (await store.client.query({ query: `SELECT count() n FROM system.parts WHERE database = 'bench' AND table = 'tool_invocations' AND active`, format: 'JSONEachRow' })).json<{ n: number }>();
  console.log(`\n${label} (${parts[0]?.n} active parts)`);
  for (const [name, sql] of Object.entries(variants)) {
    const times: number[] = [];
    let sum = 0;
    for (let r = 0; r < 15; r++) {
      const t = performance.now();
      const rows = await (await store.client.query({ query: sql, query_params: { org: 'acme' }, format: 'JSONEachRow' })).json<{ c: number | string }>();
      times.push(performance.now() - t);
      sum = rows.reduce((a, x) => a + Number(x.c), 0);
    }
    times.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(34)} median ${times[7]?.toFixed(1)} ms  min ${times[0]?.toFixed(1)} ms  calls=${sum}`);
  }
}
await measure('as inserted');
await store.client.command({ query: 'OPTIMIZE TABLE tool_invocations FINAL' });
await measure('after OPTIMIZE FINAL');
await store.close();
rmSync(dataDir, { recursive: true, force: true });
