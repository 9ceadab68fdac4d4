// Retention by plan, with time travel: rows stamped in the past, TTLs forced
// (MATERIALIZE TTL, OPTIMIZE FINAL), for each default plan; then a downgrade
// (what is now past its window goes) and an upgrade (what is left stays).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PLANS, PlanCatalogue } from '@mcpg/config';
import type { RollupRow, TierRollupRow } from '@mcpg/rollup';
import type { Store } from '../create-store.ts';
import { createTestStore } from '../testing.ts';
import { insertToolInvocations } from '../tool-invocations/insert-tool-invocations.ts';
import type { ToolInvocationRow } from '../tool-invocations/tool-invocation-row.ts';
import { insertRollups } from '../rollups/insert-rollups.ts';
import { insertTierRollups } from '../rollups/insert-tier-rollups.ts';
import { insertOrgRollups } from '../rollups/insert-org-rollups.ts';
import { OrgRetention } from './org-retention.ts';
import { writeOrgPlan } from './org-plans.ts';
import { reapplyRetention } from './reapply-retention.ts';
import { queryOldestRetained } from './query-oldest-retained.ts';

const DAY = 86_400_000;
const NOW = Date.now();
/** Ages in days of the rows each org gets: one row per age. */
const AGES = [1, 20, 29, 31, 60, 89, 91, 150, 179, 181, 400, 2000, 2556, 2558, 3000];

let store: Store;
before(async () => {
  store = await createTestStore();
});
after(async () => {
  await store.close();
});

function call(org: string, startedAt: number, i: number): ToolInvocationRow {
  return {
    event_id: `${org}-${i}`, org, workspace: 'prod', instance: 'gw-1', plugin: 'github', tool: 'search', actor: 'alice', source: 'mcp',
    started_at: startedAt, emitted_at: startedAt + 5, duration_us: 1000, outcome: 'ok', error_code: '', error_hash: '', tokens_in: 1, tokens_out: 2,
    trace_id: '', span_id: '', policy_decision: 'permit', policy_rule_id: '', source_partition: 0, source_offset: String(i),
  };
}

const counters = { calls: 1, errors: 0, outcomes: { ok: 1, error: 0, denied: 0, timeout: 0, cancelled: 0 }, tokens_in: 1, tokens_out: 2, duration_us_sum: 1000 };
const source = (org: string, i: number) => ({ org, workspace: 'prod', plugin: 'github', tool: 'search', source_partition: 0, chunk_start: i, last_offset: i });
const minuteRow = (org: string, t: number, i: number): RollupRow => ({ ...source(org, i), ...counters, minute: Math.floor(t / 60_000) * 60_000, latency_min_ms: 1, latency_max_ms: 1, latency_means: [1], latency_weights: [1] });
const dayRow = (org: string, t: number, i: number): TierRollupRow => ({ ...source(org, i), ...counters, start: Math.floor(t / DAY) * DAY, latency_min_ms: 1, latency_max_ms: 1, latency_means: [1], latency_weights: [1] });

async function writeHistory(retention: OrgRetention, org: string): Promise<void> {
  const times = AGES.map((age) => NOW - age * DAY + 3_600_000); // an hour inside the day, so a window's edge is clear
  await insertToolInvocations(store, times.map((t, i) => call(org, t, i)), retention.stamp('samples'));
  await insertRollups(store, times.map((t, i) => minuteRow(org, t, i)), retention.stamp('rollups_1m'));
  await insertTierRollups(store, 'day', times.map((t, i) => dayRow(org, t, i)), retention.stamp('rollups_1d'));
  const orgMinutes = times.map((t, i) => ({ ...dayRow(org, t, i), workspace: '', plugin: '', tool: '', start: Math.floor(t / 60_000) * 60_000 }));
  await insertOrgRollups(store, 'minute', orgMinutes, retention.stamp('rollups_1m'));
}

/** Forces every TTL now, as the engine's merges would in time. */
async function forceTtl(): Promise<void> {
  for (const table of ['tool_invocations', 'tool_rollups_1m', 'tool_rollups_1d', 'tool_rollups_org_1m']) {
    await store.client.command({ query: `ALTER TABLE ${table} MATERIALIZE TTL`, clickhouse_settings: { mutations_sync: '2' } });
    await store.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
  }
}

/** Ages (days) of the rows an org still has per table. */
async function keptAges(org: string): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [table, time] of [['tool_invocations', 'started_at'], ['tool_rollups_1m', 'minute'], ['tool_rollups_1d', 'day'], ['tool_rollups_org_1m', 'minute']] as const) {
    const rs = await store.client.query({
      query: `SELECT toUnixTimestamp64Milli(toDateTime64(${time}, 3, 'UTC')) AS t FROM ${table} FINAL WHERE org = {org:String} ORDER BY t DESC`,
      query_params: { org },
      format: 'JSONEachRow',
    });
    out[table] = (await rs.json<{ t: string }>()).map((r) => Math.round((NOW - Number(r.t)) / DAY));
  }
  return out;
}

const within = (days: number) => AGES.filter((a) => a < days);

test('each default plan keeps every class exactly its window: rows stamped in the past, TTLs forced', async () => {
  const catalogue = new PlanCatalogue({ orgPlans: DEFAULT_PLANS.map((p) => ({ org: `org-${p.name}`, plan: p.name })) });
  const retention = new OrgRetention(store, catalogue);
  for (const p of DEFAULT_PLANS) await writeHistory(retention, `org-${p.name}`);
  await forceTtl();
  for (const p of DEFAULT_PLANS) {
    const kept = await keptAges(`org-${p.name}`);
    assert.deepEqual(kept['tool_invocations'], within(p.days.samples), `${p.name}: samples`);
    assert.deepEqual(kept['tool_rollups_1m'], within(p.days.rollups_1m), `${p.name}: minute rollups`);
    assert.deepEqual(kept['tool_rollups_org_1m'], within(p.days.rollups_1m), `${p.name}: org-wide minute rollups`);
    // A day row starts at midnight, up to a day before the call: its age rounds to the day of the call or the next.
    const dayAges = kept['tool_rollups_1d']!;
    assert.equal(dayAges.length, within(p.days.rollups_1d).length, `${p.name}: day rollups ${dayAges.join(',')}`);
  }
  // A row written without a stamp (an older writer) keeps the enterprise tiers of before.
  await insertToolInvocations(store, [call('unstamped', NOW - 31 * DAY, 1), call('unstamped', NOW - 29 * DAY, 2)]);
  await forceTtl();
  assert.deepEqual((await keptAges('unstamped'))['tool_invocations'], [29]);
});

test('a downgrade deletes what is now past its window; an upgrade keeps what is still there', async () => {
  const org = 'acme';
  const catalogue = new PlanCatalogue();
  const retention = new OrgRetention(store, catalogue);
  await writeHistory(retention, org); // enterprise by default
  await forceTtl();
  assert.deepEqual((await keptAges(org))['tool_rollups_1m'], within(90));

  // Downgrade to community: the minute rows older than 30 days go at once, without waiting for a merge.
  await writeOrgPlan(store, { org, plan: 'community', changedAt: NOW, changedBy: 'test', eventId: 'e1' });
  await retention.refresh();
  assert.equal(retention.resolve(org).source, 'api');
  await reapplyRetention(store, org, retention.resolve(org).plan.days, { wait: true });
  const rs = await store.client.query({ query: `SELECT count() AS n FROM tool_rollups_1m WHERE org = 'acme'`, format: 'JSONEachRow' });
  assert.equal(Number((await rs.json<{ n: string }>())[0]!.n), within(30).length, 'gone right after the mutation');
  let kept = await keptAges(org);
  assert.deepEqual(kept['tool_rollups_1m'], within(30));
  assert.deepEqual(kept['tool_rollups_org_1m'], within(30), 'the org-wide rows of the class too');
  assert.equal(kept['tool_rollups_1d']!.length, within(30).length);

  // Upgrade to team: nothing comes back, nothing more goes, and new rows get team's windows.
  await writeOrgPlan(store, { org, plan: 'team', changedAt: NOW + 1, changedBy: 'test', eventId: 'e2' });
  await retention.refresh();
  await reapplyRetention(store, org, retention.resolve(org).plan.days, { wait: true });
  await forceTtl();
  kept = await keptAges(org);
  assert.deepEqual(kept['tool_rollups_1m'], within(30));
  await insertRollups(store, [minuteRow(org, NOW - 60 * DAY, 999)], retention.stamp('rollups_1m'));
  await forceTtl();
  assert.deepEqual((await keptAges(org))['tool_rollups_1m'], [...within(30), 60].sort((a, b) => a - b), 'team keeps minute rows 90 days');

  const oldest = await queryOldestRetained(store, org, retention.resolve(org).plan.days, NOW);
  assert.ok(oldest.rollups_1m !== null && Math.round((NOW - oldest.rollups_1m) / DAY) === 60);
  assert.equal(oldest.audit, null);
});

test('a writer that stamped rows with the plan it held before a change re-applies the change when it sees it', async () => {
  const org = 'stale';
  const writer = new OrgRetention(store, new PlanCatalogue());
  await writer.refresh();
  // Another process (the API) changes the plan; this writer has not refreshed yet and stamps enterprise windows.
  await writeOrgPlan(store, { org, plan: 'community', changedAt: NOW, changedBy: 'test', eventId: 'e3' });
  await insertRollups(store, [minuteRow(org, NOW - 60 * DAY, 1), minuteRow(org, NOW - 10 * DAY, 2)], writer.stamp('rollups_1m'));
  await forceTtl();
  assert.equal((await keptAges(org))['tool_rollups_1m']!.length, 2, 'stamped with the stale plan');
  await writer.refresh({ reapply: true });
  await forceTtl();
  assert.deepEqual((await keptAges(org))['tool_rollups_1m'], [10]);
});
