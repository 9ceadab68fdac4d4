// Token usage per hour over 30 days on the embedded engine: the minute rows
// alone (what the query read before the hour totals) against the tiers (hour
// totals for whole hours, minute rows for the partial hours at either end).
//   node --import tsx bench/token-hours.ts [iterations=20] [dataDir]
// (iterations=0 seeds the dataDir and stops, so seeding can run apart from the timed runs.)
// Seeds 30 days × 120 label sets (3 workspaces × 8 servers × 5 tools), one
// call per label set and minute, folded by RollupFold and written through the
// store's insert functions as the rollup worker writes them (5.18M minute
// rows, their hour and day totals). With a dataDir the rows are kept there and
// reused by the next run; without one a temporary directory is used. The two
// paths run alternately, each call timed on its own (wall and process CPU,
// which includes the engine's threads), and their answers are compared.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolCallEvent } from '@mcpg/events';
import { RollupFold } from '@mcpg/rollup';
import { createStore, insertDayTotals, insertHourTotals, insertRollups, migrate, queryTokenUsage, type Store, type TokenUsageQuery } from '@mcpg/store';

const iterations = Number(process.argv[2] ?? 20);
const keptDir = process.argv[3];
const dataDir = keptDir ?? mkdtempSync(join(tmpdir(), 'mcpg-bench-token-hours-'));
if (keptDir === undefined) process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const DAYS = 30;
const WORKSPACES = ['prod', 'staging', 'dev'];
const SERVERS = ['github', 'slack', 'jira', 'postgres', 'filesystem', 'linear', 'sentry', 'notion'];
const TOOLS = ['search', 'create_pr', 'get_issue', 'query', 'read_file'];
const SETS = WORKSPACES.length * SERVERS.length * TOOLS.length;
// The range ends mid-hour and mid-day, so both paths have partial hours at either end.
const END = Date.UTC(2026, 10, 30, 13, 27, 0);
const START = END - DAYS * DAY_MS;
const ORG = 'acme';

const store = await createStore({ kind: 'embedded', dataDir, database: 'bench_token_hours' });
await migrate(store);

async function count(table: string): Promise<number> {
  const rs = await store.client.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0]?.n ?? 0);
}

// One call per label set and minute, folded and written in batches of about
// 100k minute rows, each batch's three tiers in one Promise.all as the worker does.
async function seed(s: Store): Promise<void> {
  const fold = new RollupFold({ maxLabelSetsPerOrg: SETS });
  let rng = 20261202;
  const rand = () => ((rng = (Math.imul(rng, 1_103_515_245) + 12_345) >>> 0) / 4_294_967_296);
  let offset = 0;
  let pending = 0;
  const write = () => Promise.all([insertRollups(s, fold.takeRows()), insertHourTotals(s, fold.takeHourTotals()), insertDayTotals(s, fold.takeDayTotals())]);
  for (let minute = START; minute < END; minute += MINUTE_MS) {
    for (let n = 0; n < SETS; n++) {
      const event: ToolCallEvent = {
        event_id: `e${offset}`, org: ORG, workspace: WORKSPACES[n % 3]!, instance: 'gw-1', plugin: SERVERS[Math.floor(n / 3) % 8]!,
        tool: TOOLS[Math.floor(n / 24) % 5]!, actor: 'agent', source: 'mcp', started_at: minute + Math.floor(rand() * MINUTE_MS), emitted_at: minute,
        duration_us: 1_000 + Math.floor(rand() * 50_000), outcome: 'ok', error_code: null, error_message: null,
        tokens_in: 100 + Math.floor(rand() * 1_000), tokens_out: 300 + Math.floor(rand() * 3_000), trace_id: null, span_id: null,
        policy_decision: 'permit', policy_rule_id: null,
      };
      fold.add(0, offset++, event);
    }
    pending += SETS;
    if (pending >= 100_000) {
      await write();
      pending = 0;
      process.stdout.write(`\rseeded ${Math.round(((minute - START) / (END - START)) * 100)}%`);
    }
  }
  await write();
  process.stdout.write('\n');
}

if ((await count('tool_rollups_1m')) === 0) {
  const t = performance.now();
  await seed(store);
  console.log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
} else {
  console.log('reusing the seeded rows');
}
console.log(`rows: tool_rollups_1m ${(await count('tool_rollups_1m')).toLocaleString('en')}, tool_totals_1h ${(await count('tool_totals_1h')).toLocaleString('en')}, tool_totals_1d ${(await count('tool_totals_1d')).toLocaleString('en')}`);

if (iterations === 0) {
  await store.close();
  process.exit(0);
}

interface Sample {
  ms: number[];
  cpuMs: number[];
}

async function timed(q: TokenUsageQuery, into: Sample): Promise<unknown> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const result = await queryTokenUsage(store, q);
  into.ms.push(performance.now() - t);
  const used = process.cpuUsage(cpu);
  into.cpuMs.push((used.user + used.system) / 1000);
  return result;
}

function report(name: string, s: Sample): void {
  const sorted = [...s.ms].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!.toFixed(1);
  const cpu = s.cpuMs.reduce((a, b) => a + b, 0) / s.cpuMs.length;
  console.log(`${name.padEnd(46)} p50 ${at(0.5).padStart(8)} ms   p99 ${at(0.99).padStart(8)} ms   CPU ${cpu.toFixed(1).padStart(7)} ms/call`);
}

const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`load average before: ${load()}`);
for (const [interval, groupBy] of [['hour', 'tool'], ['day', 'tool']] as const) {
  const q: TokenUsageQuery = { org: ORG, fromMs: START, toMs: END, groupBy, interval, top: 10 };
  const before: Sample = { ms: [], cpuMs: [] };
  const after: Sample = { ms: [], cpuMs: [] };
  // Warm both, and check that they agree.
  assert.deepEqual(await queryTokenUsage(store, q), await queryTokenUsage(store, { ...q, minuteRowsOnly: true }), 'the two paths disagree');
  for (let i = 0; i < iterations; i++) {
    await timed({ ...q, minuteRowsOnly: true }, before);
    await timed(q, after);
  }
  report(`by ${groupBy} per ${interval}, 30 days, minute rows only`, before);
  report(`by ${groupBy} per ${interval}, 30 days, tiers`, after);
}
console.log(`load average after: ${load()}; the two paths gave the same figures`);
await store.close();
