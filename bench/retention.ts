// Retention by plan, measured on the embedded engine:
//  1. enforcement: with `calls` tool_invocations rows over 100 orgs and the last
//     `months` monthly partitions, a downgrade of one org by each mechanism —
//     the per-row retention_days column (ALTER ... UPDATE, what mcpg runs; the
//     TTL then recomputes in the same mutation), ALTER ... DELETE per org, a
//     lightweight DELETE per org — and MATERIALIZE TTL over the whole table;
//  2. ledger pruning: `audit` audit_log rows of one org (plus audit_rows_json,
//     one node row per leaf, a checkpoint every 10,000 rows) pruned by a
//     quarter in one deletion, then by another quarter in throttled steps,
//     with audit rows inserted at the same time (ingest rate alone and during
//     each);
//  3. verify time of a pruned ledger against the full one (libs/ledger, in
//     memory, `verifyRows` rows with a checkpoint every 10,000).
// Rows are generated inside the engine (numbers() + SQL): leaf hashes and
// chains of part 2 are not real ones (pruning reads seqs, times, checkpoints
// and the frontier nodes, not the hashes).
//
//   node --import tsx bench/retention.ts [calls=10000000] [months=12] [audit=10000000] [verifyRows=1000000]
//   MECHANISMS=column node --import tsx bench/retention.ts 100000000   (only mcpg's mechanism, one seed)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompactRange, LedgerFold, SigningKeys, signCheckpoint, signerKeyFromSeed, verifyLedger, type ExportedRow } from '@mcpg/ledger';
import { createStore, migrate, pruneLedger } from '@mcpg/store';
import { sampleEvents } from '../libs/ledger/src/sample-events.testing.ts';

const [calls = 10_000_000, months = 12, audit = 10_000_000, verifyRows = 1_000_000] = process.argv.slice(2).map(Number);
const DAY = 86_400_000;
const NOW = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'mcpg-bench-retention-'));
const store = await createStore({ kind: 'embedded', dataDir: dir, database: 'bench' });
await migrate(store);

const ms = (t0: number) => Math.round(performance.now() - t0);
const cmd = (query: string, params: Record<string, unknown> = {}, sync = true) =>
  store.client.command({ query, query_params: params, clickhouse_settings: sync ? { mutations_sync: '2' } : {} });
async function count(query: string, params: Record<string, unknown> = {}): Promise<number> {
  const rs = await store.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return Number((await rs.json<{ n: string }>())[0]!.n);
}
const line = (what: string, t: number, rows?: number) =>
  console.log(`${what.padEnd(64)} ${String(t).padStart(7)} ms${rows ? `  ${Math.round(rows / (t / 1000)).toLocaleString('en')} rows/s` : ''}`);

// ---- 1. enforcement on tool_invocations
async function seedCalls(): Promise<void> {
  await cmd('TRUNCATE TABLE tool_invocations');
  const t = performance.now();
  await cmd(
    `INSERT INTO tool_invocations (event_id, org, workspace, instance, plugin, tool, actor, source, started_at, emitted_at, duration_us, outcome,
       error_code, error_hash, tokens_in, tokens_out, trace_id, span_id, policy_decision, policy_rule_id, source_partition, source_offset, retention_days)
     SELECT concat('e', toString(number)), concat('org-', toString(number % 100)), 'prod', 'gw-1', 'github', ['search','create_pr','list'][number % 3 + 1],
       'alice', 'mcp', fromUnixTimestamp64Milli(toInt64({now:Int64} - intDiv(number * {span:Int64}, {n:Int64})), 'UTC') AS s, s, 1000, 'ok',
       '', '', 10, 20, '', '', 'permit', '', 0, number, 30 * {months:UInt16}
     FROM numbers({n:UInt64})`,
    { now: NOW, span: months * 30 * DAY, n: calls, months },
  );
  line(`seed tool_invocations: ${calls.toLocaleString('en')} rows over ${months} months`, ms(t), calls);
}

console.log(`# retention bench, ${new Date().toISOString()}, calls=${calls} months=${months} audit=${audit} verifyRows=${verifyRows}`);
await seedCalls();
const orgRows = await count(`SELECT count() AS n FROM tool_invocations WHERE org = 'org-7'`);
const expired = await count(`SELECT count() AS n FROM tool_invocations WHERE org = 'org-7' AND started_at < now64(3) - INTERVAL 30 DAY`);
console.log(`one org (org-7): ${orgRows.toLocaleString('en')} rows, ${expired.toLocaleString('en')} past a 30-day window`);

let t = performance.now();
await cmd(`ALTER TABLE tool_invocations UPDATE retention_days = {d:UInt16} WHERE org = {org:String} AND retention_days != {d:UInt16}`, { d: 30, org: 'org-7' });
line('downgrade one org: ALTER UPDATE retention_days (mcpg, TTL recomputed)', ms(t), orgRows);
console.log(`  org-7 rows left: ${await count(`SELECT count() AS n FROM tool_invocations WHERE org = 'org-7'`)}`);
t = performance.now();
await cmd(`ALTER TABLE tool_invocations UPDATE retention_days = {d:UInt16} WHERE org = {org:String} AND retention_days != {d:UInt16}`, { d: 30, org: 'org-7' });
line('the same again (nothing differs: the re-apply a writer repeats)', ms(t));

// MECHANISMS=column: only what mcpg runs (one seed), for sizes where seeding
// three times does not fit the time a run has (100M rows: ~7 min per seed here).
const everyMechanism = process.env.MECHANISMS !== 'column';
if (everyMechanism) await seedCalls();
t = performance.now();
if (everyMechanism) await cmd(`ALTER TABLE tool_invocations DELETE WHERE org = {org:String} AND started_at < now64(3) - INTERVAL 30 DAY`, { org: 'org-7' });
if (everyMechanism) {
  line('downgrade one org: ALTER DELETE per org (a periodic job would repeat it)', ms(t), orgRows);
  t = performance.now();
  await cmd(`ALTER TABLE tool_invocations DELETE WHERE org = {org:String} AND started_at < now64(3) - INTERVAL 30 DAY`, { org: 'org-7' });
  line('  the same again (nothing to delete)', ms(t));
  await seedCalls();
}
t = performance.now();
// tool_invocations carries a projection now, and this engine refuses a
// lightweight DELETE on a table with one (lightweight_mutation_projection_mode
// given per statement is not taken): the row says so instead of stopping the bench.
if (everyMechanism) {
  try {
    await cmd(`DELETE FROM tool_invocations WHERE org = {org:String} AND started_at < now64(3) - INTERVAL 30 DAY`, { org: 'org-7' });
    line('downgrade one org: lightweight DELETE per org (rows masked, parts kept)', ms(t), orgRows);
  } catch (err) {
    console.log(`downgrade one org: lightweight DELETE per org — refused: ${String((err as Error).message).slice(0, 120)}`);
  }
}

t = performance.now();
await cmd('ALTER TABLE tool_invocations MATERIALIZE TTL');
line('MATERIALIZE TTL over the whole table (the TTL alone, no change)', ms(t), calls);

// ---- 2. ledger pruning
const ORG = 'acme';
const EVERY = 10_000;
async function seedAudit(from: number, to: number, span: number): Promise<void> {
  // Row n occurred `span` ms spread up to NOW; one node row per leaf with the nodes it completes.
  await cmd(
    `INSERT INTO audit_log (org, seq, event_id, workspace, instance, occurred_at, action, actor, resource, decision, outcome,
       latency_us, arguments, response, error, trace_id, leaf_hash, prev_hash, source_partition, source_offset)
     SELECT {org:String}, number, concat('e', toString(number)), 'prod', 'gw-1',
       fromUnixTimestamp64Milli(toInt64({now:Int64} - {span:Int64} + intDiv(number * {span:Int64}, {total:Int64})), 'UTC'),
       'tool.call', concat('user-', toString(number % 50)), 'github__search', 'permit', 'ok', 1200,
       concat('{"q":"release notes ', toString(number % 977), '"}'), 'returned 3 results', NULL, NULL,
       lower(hex(SHA256(toString(number)))), lower(hex(SHA256(toString(number + 1)))), 0, number
     FROM numbers({from:UInt64}, {count:UInt64})`,
    { org: ORG, now: NOW, span, total: audit, from, count: to - from },
  );
  await cmd(
    `INSERT INTO audit_merkle_nodes (org, seq, nodes)
     SELECT {org:String}, number, arrayMap(i -> lower(hex(SHA256(concat(toString(number), '/', toString(i))))), range(1 + bitCount(bitXor(number, number + 1)) - 1))
     FROM numbers({from:UInt64}, {count:UInt64})`,
    { org: ORG, from, count: to - from },
  );
  await cmd(
    `INSERT INTO audit_checkpoints (org, tree_size, first_seq, last_seq, root, chain_head, event_time, closed_by, key_name, key_id, signature, note)
     SELECT {org:String}, number * {every:UInt64}, (number - 1) * {every:UInt64}, number * {every:UInt64} - 1, '', '',
       fromUnixTimestamp64Milli(toInt64({now:Int64} - {span:Int64} + intDiv((number * {every:UInt64} - 1) * {span:Int64}, {total:Int64})), 'UTC'),
       'rows', 'k', '00000000', '', ''
     FROM numbers(intDiv({from:UInt64}, {every:UInt64}) + 1, intDiv({count:UInt64}, {every:UInt64}))`,
    { org: ORG, every: EVERY, now: NOW, span, total: audit, from, count: to - from },
  );
}

const span = 2 * 365 * DAY; // two years of audit rows; pruning at 1 year takes half
t = performance.now();
for (let at = 0; at < audit; at += 2_000_000) await seedAudit(at, Math.min(audit, at + 2_000_000), span);
line(`seed audit_log (+ audit_rows_json view, nodes, checkpoints): ${audit.toLocaleString('en')} rows`, ms(t), audit);

// Ingest alone: 20,000-row batches of later rows for ~10 s.
async function ingest(seconds: number, stop?: Promise<unknown>): Promise<{ rows: number; ms: number }> {
  const t0 = performance.now();
  let rows = 0;
  let done = false;
  void stop?.then(() => (done = true));
  let base = audit * 2 + (await count(`SELECT count() AS n FROM audit_log WHERE org = 'other'`));
  while (!done && performance.now() - t0 < seconds * 1000) {
    await cmd(
      `INSERT INTO audit_log (org, seq, event_id, workspace, instance, occurred_at, action, actor, resource, decision, outcome,
         latency_us, arguments, response, error, trace_id, leaf_hash, prev_hash, source_partition, source_offset)
       SELECT 'other', number, concat('o', toString(number)), 'prod', 'gw-1', now64(3), 'tool.call', 'bob', 'slack__post', 'permit', 'ok', 900,
         concat('{"text":"standup ', toString(number % 977), '"}'), NULL, NULL, NULL, lower(hex(SHA256(toString(number)))), '', 1, number
       FROM numbers({from:UInt64}, 20000)`,
      { from: base },
    );
    base += 20_000;
    rows += 20_000;
  }
  return { rows, ms: performance.now() - t0 };
}
const alone = await ingest(10);
line('audit ingest alone (20k-row batches)', Math.round(alone.ms), alone.rows);

// Two prunings of a quarter of the ledger each, with ingest running: the
// first in one deletion (before), the second in steps of at most STEP_ROWS
// rows with a pause as long as each step (after, what the ledger worker's
// hourly pruning runs). The second works on parts the first rewrote already.
const STEP_ROWS = Number(process.env.PRUNE_STEP_ROWS ?? 250_000);
let cutoff = NOW;
for (const [name, quarter, options] of [
  ['in one deletion (before)', 1, {}],
  [`in steps of at most ${STEP_ROWS.toLocaleString('en')} rows, paused as long as each step (after)`, 2, { stepRows: STEP_ROWS }],
] as const) {
  cutoff = NOW - span + (quarter * span) / 4;
  t = performance.now();
  const pruning = pruneLedger(store, ORG, cutoff, { wait: true, ...options });
  const during = await ingest(900, pruning);
  const r = await pruning;
  const pruneMs = ms(t);
  line(`prune ledger of ${ORG} ${name}: ${r.newlyPruned.toLocaleString('en')} of ${audit.toLocaleString('en')} rows (audit_log, audit_rows_json, audit_merkle_nodes)`, pruneMs, r.newlyPruned);
  line(`audit ingest during that pruning`, Math.round(during.ms), during.rows);
}
t = performance.now();
const again = await pruneLedger(store, ORG, cutoff, { wait: true });
line(`prune again, nothing due (newly pruned ${again.newlyPruned})`, ms(t));
console.log(`  audit_log rows of ${ORG} left: ${(await count(`SELECT count() AS n FROM audit_log WHERE org = {org:String}`, { org: ORG })).toLocaleString('en')}`);
console.log(`  audit_merkle_nodes rows of ${ORG} left: ${(await count(`SELECT count() AS n FROM audit_merkle_nodes WHERE org = {org:String}`, { org: ORG })).toLocaleString('en')}`);

// ---- 3. verify: full against pruned
const signing = new SigningKeys([{ key: signerKeyFromSeed('bench/ledger', new Uint8Array(32).fill(7)), window: { notBefore: null, notAfter: null } }]);
const fold = new LedgerFold(ORG);
const rows: ExportedRow[] = [];
const checkpoints: string[] = [];
for (const event of sampleEvents(ORG, verifyRows)) {
  const { row, leafHash, prevHash } = fold.append(event);
  rows.push({ row, leafHash, prevHash });
  if (fold.size % EVERY === 0) {
    const cp = fold.checkpoint();
    checkpoints.push(signCheckpoint(cp, signing.signerFor(cp.eventTime)));
  }
}
const keyring = signing.keyring();
const half = Math.floor(verifyRows / 2 / EVERY) * EVERY;
const range = new CompactRange();
for (const x of rows.slice(0, half)) range.append(x.leafHash);
const pruned = { size: half, frontier: range.state().hashes };
for (let round = 0; round < 2; round++) {
  t = performance.now();
  const full = verifyLedger({ org: ORG, rows, checkpoints, keyring });
  line(`verify full ledger: ${verifyRows.toLocaleString('en')} rows (${full.ok ? 'verified' : 'FAILED'})`, ms(t), verifyRows);
  t = performance.now();
  const p = verifyLedger({ org: ORG, rows: rows.slice(half), checkpoints, keyring, pruned });
  line(`verify pruned ledger: ${(verifyRows - half).toLocaleString('en')} rows after ${half.toLocaleString('en')} pruned (${p.ok ? 'verified' : 'FAILED'})`, ms(t), verifyRows - half);
}

await store.close();
rmSync(dir, { recursive: true, force: true });
