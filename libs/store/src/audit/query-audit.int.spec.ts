import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../create-store.ts';
import { createTestStore } from '../testing.ts';
import { insertAuditFixtures, type AuditFixture } from './audit-fixtures.testing.ts';
import type { AuditFilter } from './audit-filter-sql.ts';
import { parseAuditText } from './audit-text-query.ts';
import { exportAuditCsv, type AuditCsvColumn } from './export-audit-csv.ts';
import { countAudit, explainAuditPage, explainAuditRows, pageAuditByKey, pageAuditByOffset } from './query-audit.ts';

let store: Store;
before(async () => {
  store = await createTestStore();
});
after(async () => {
  await store.close();
});

const T = Date.UTC(2026, 10, 20, 12, 0, 0);
const text = (q: string) => {
  const r = parseAuditText(q);
  assert.ok(r.ok && r.query);
  return r.query;
};
/** The whole CSV of an export (its byte chunks end anywhere, so they are joined before reading). */
async function csvOf(filter: AuditFilter, columns: readonly AuditCsvColumn[], chunk: number): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const c of exportAuditCsv(store, filter, columns, { chunk })) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}
const seqs = async (filter: AuditFilter) => (await pageAuditByKey(store, filter, { limit: 1000 })).map((r) => r.seq);

test('filters combine; rows come newest first, ties on time broken by seq', async () => {
  const org = 'filters';
  const rows: AuditFixture[] = [
    { org, seq: 0, occurredAtMs: T, action: 'tool.call', actor: 'alice', resource: 'github__search' },
    { org, seq: 1, occurredAtMs: T + 1000, action: 'tool.call', actor: 'bob', resource: 'github__create_pr', outcome: 'error', error: 'rate_limit_exceeded' },
    { org, seq: 2, occurredAtMs: T + 1000, action: 'policy.deny', actor: 'bob', resource: 'slack__post', outcome: 'denied', decision: 'deny', workspace: 'dev' },
    { org, seq: 3, occurredAtMs: T + 2000, action: 'plugin.crashed', actor: 'gateway', resource: 'jira', outcome: 'error', instance: 'gw-2', latencyUs: null },
    { org: 'other-org', seq: 0, occurredAtMs: T + 5000, actor: 'alice' },
  ];
  await insertAuditFixtures(store, rows);
  assert.deepEqual(await seqs({ org }), [3, 2, 1, 0]);
  assert.deepEqual(await seqs({ org, actionPrefix: 'tool.' }), [1, 0]);
  assert.deepEqual(await seqs({ org, actions: ['policy.deny', 'plugin.crashed'] }), [3, 2]);
  assert.deepEqual(await seqs({ org, actor: 'bob' }), [2, 1]);
  assert.deepEqual(await seqs({ org, instance: 'gw-2' }), [3]);
  assert.deepEqual(await seqs({ org, workspace: 'dev' }), [2]);
  assert.deepEqual(await seqs({ org, outcomes: ['error'] }), [3, 1]);
  assert.deepEqual(await seqs({ org, resourcePrefix: 'github__' }), [1, 0]);
  assert.deepEqual(await seqs({ org, resourceSuffix: '__create_pr' }), [1]);
  assert.deepEqual(await seqs({ org, resource: 'slack__post' }), [2]);
  assert.deepEqual(await seqs({ org, fromMs: T + 1000, toMs: T + 2000 }), [2, 1]);
  assert.deepEqual(await seqs({ org, actor: 'bob', outcomes: ['error'] }), [1]);
  const [row] = await pageAuditByKey(store, { org, instance: 'gw-2' }, { limit: 1 });
  assert.deepEqual(row, {
    seq: 3, eventId: 'evt-filters-3', workspace: 'prod', instance: 'gw-2', occurredAtMs: T + 2000, action: 'plugin.crashed', actor: 'gateway',
    resource: 'jira', decision: 'permit', outcome: 'error', latencyUs: null, arguments: null, response: null, error: null, traceId: null,
  });
  assert.equal(await countAudit(store, { org }), 4);
  assert.equal(await countAudit(store, { org: 'nobody' }), 0);
});

test('full text: all words, phrases in order, exclusions, case and punctuation like the index', async () => {
  const org = 'text';
  await insertAuditFixtures(store, [
    { org, seq: 0, occurredAtMs: T, arguments: '{"query":"Quarterly invoice report"}', response: 'returned 3 results' },
    { org, seq: 1, occurredAtMs: T + 1, error: 'rate_limit_exceeded: retry after 60s', outcome: 'error' },
    { org, seq: 2, occurredAtMs: T + 2, error: 'permission denied for repository', outcome: 'error' },
    { org, seq: 3, occurredAtMs: T + 3, arguments: '{"note":"denied permission, then report"}' },
    { org, seq: 4, occurredAtMs: T + 4, actor: 'Agent-Triage', resource: 'linear__update_ticket' },
  ]);
  assert.deepEqual(await seqs({ org, text: text('REPORT') }), [3, 0]);
  assert.deepEqual(await seqs({ org, text: text('invoice quarterly') }), [0]);
  assert.deepEqual(await seqs({ org, text: text('"permission denied"') }), [2]);
  assert.deepEqual(await seqs({ org, text: text('permission denied') }), [3, 2]);
  assert.deepEqual(await seqs({ org, text: text('rate_limit_exceeded') }), [1]);
  assert.deepEqual(await seqs({ org, text: text('limit') }), [1]);
  assert.deepEqual(await seqs({ org, text: text('agent-triage update_ticket') }), [4]);
  assert.deepEqual(await seqs({ org, text: text('report -quarterly') }), [3]);
  assert.deepEqual(await seqs({ org, text: text('permission -"permission denied"') }), [3]);
  assert.deepEqual(await seqs({ org, text: text('-error') }), [4, 3, 0]);
  assert.deepEqual(await seqs({ org, text: text('rep') }), [], 'no prefix matching');
  assert.equal(await countAudit(store, { org, text: text('permission denied') }), 2);
});

test('the search is answered by the text index', async () => {
  const plan = await explainAuditPage(store, { org: 'text', text: text('report "permission denied"') }, 50);
  assert.match(plan, /Name: audit_search/);
  // The rows of a page come from the (org, seq) projection with its small granules.
  // Times out of seq order (late events), so the table's own sort key cannot narrow a seq lookup.
  await insertAuditFixtures(store, Array.from({ length: 40_000 }, (_, seq): AuditFixture => ({ org: 'wide', seq, occurredAtMs: T + ((seq * 7919) % 40_000) })));
  const rows = await explainAuditRows(store, 'wide', [5, 29_000]);
  assert.match(rows, /ReadFromMergeTree \((\w+\.)?audit_rows_json\)/);
  assert.match(rows, /Granules: 2\//);
  const before014 = await explainAuditRows(store, 'wide', [5, 29_000], { before014: true });
  assert.match(before014, /ReadFromMergeTree \(audit_rows_by_seq\)/);
  assert.match(before014, /Granules: 2\//);
});

test('pages hold whole rows also for rows appended before audit_rows_json existed, and with copies in it', async () => {
  const org = 'rows-json';
  const rows: AuditFixture[] = Array.from({ length: 6 }, (_, seq) => ({
    org, seq, occurredAtMs: T + seq, actor: `o'ne "two" \\ ø🙂 \t`, arguments: seq % 2 ? null : `{"n":${seq},"s":"a\nb"}`, latencyUs: seq === 3 ? null : 1_000_000_007 + seq,
    error: seq === 4 ? 'x\0y' : null, traceId: seq === 5 ? 'abc' : null,
  }));
  await insertAuditFixtures(store, rows);
  await insertAuditFixtures(store, rows.slice(2, 4)); // copies, in audit_log and in audit_rows_json
  const all = await pageAuditByKey(store, { org }, { limit: 10 });
  assert.deepEqual(all.map((r) => r.seq), [5, 4, 3, 2, 1, 0]);
  assert.deepEqual(all[5], {
    seq: 0, eventId: 'evt-rows-json-0', workspace: 'prod', instance: 'gw-1', occurredAtMs: T, action: 'tool.call', actor: `o'ne "two" \\ ø🙂 \t`,
    resource: 'github__search', decision: 'permit', outcome: 'ok', latencyUs: 1_000_000_007, arguments: '{"n":0,"s":"a\nb"}', response: null, error: null, traceId: null,
  });
  // As if rows 0, 1 and 3 had been appended before migration 014: the page still holds them, whole and in order.
  await store.client.command({ query: `ALTER TABLE audit_rows_json DELETE WHERE org = {org:String} AND seq IN (0, 1, 3) SETTINGS mutations_sync = 2`, query_params: { org } });
  assert.deepEqual(await pageAuditByKey(store, { org }, { limit: 10 }), all);
});

test('keyset pages cover every row once, also while newer rows arrive', async () => {
  const org = 'pages';
  const rows = Array.from({ length: 230 }, (_, i): AuditFixture => ({ org, seq: i, occurredAtMs: T + Math.floor(i / 3) * 1000 }));
  await insertAuditFixtures(store, rows);
  const seen: number[] = [];
  let after: { occurredAtMs: number; seq: number } | undefined;
  let next = 230;
  for (;;) {
    const page = await pageAuditByKey(store, { org }, after ? { limit: 50, after } : { limit: 50 });
    seen.push(...page.map((r) => r.seq));
    if (page.length < 50) break;
    const last = page[page.length - 1]!;
    after = { occurredAtMs: last.occurredAtMs, seq: last.seq };
    // New rows arrive between pages (newer than everything, and one with the same time as the cursor but a higher seq).
    await insertAuditFixtures(store, [
      { org, seq: next++, occurredAtMs: T + 10_000_000 },
      { org, seq: next++, occurredAtMs: last.occurredAtMs },
    ]);
  }
  assert.deepEqual(seen, Array.from({ length: 230 }, (_, i) => 229 - i));
  // Chunks of 64 rows: the export crosses several chunk boundaries.
  const scanned = (await csvOf({ org, toMs: T + 1_000_000 }, ['seq'], 64)).split('\r\n').slice(0, -1).map(Number);
  assert.equal(scanned.length, 230 + 4);
  assert.equal(new Set(scanned).size, scanned.length);
  const offsetPage = await pageAuditByOffset(store, { org, toMs: T + 1_000_000 }, { limit: 10, offset: 20 });
  assert.deepEqual(offsetPage.map((r) => r.seq), scanned.slice(20, 30));
});

test('a row the ledger re-appended (same org and seq) is returned and counted once', async () => {
  const org = 'replay';
  const rows = [0, 1, 2].map((seq): AuditFixture => ({ org, seq, occurredAtMs: T + seq, arguments: 'deploy now' }));
  await insertAuditFixtures(store, rows);
  await insertAuditFixtures(store, rows.slice(1));
  assert.deepEqual(await seqs({ org }), [2, 1, 0]);
  assert.deepEqual(await seqs({ org, text: text('deploy') }), [2, 1, 0]);
  assert.equal(await countAudit(store, { org }), 3);
  assert.equal(await countAudit(store, { org, text: text('deploy') }), 3);
  // A page made short by copies asks for more; offset pages are not shifted by them.
  const many = Array.from({ length: 12 }, (_, seq): AuditFixture => ({ org: 'replay-many', seq, occurredAtMs: T + seq }));
  await insertAuditFixtures(store, many);
  await insertAuditFixtures(store, many);
  await insertAuditFixtures(store, many);
  assert.deepEqual((await pageAuditByKey(store, { org: 'replay-many' }, { limit: 5 })).map((r) => r.seq), [11, 10, 9, 8, 7]);
  assert.deepEqual((await pageAuditByOffset(store, { org: 'replay-many' }, { limit: 5, offset: 5 })).map((r) => r.seq), [6, 5, 4, 3, 2]);
  const csv = await csvOf({ org: 'replay-many' }, ['seq', 'actor'], 4);
  assert.equal(csv, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((seq) => `${seq},"alice"\r\n`).join(''));
});

test('exact counts with copies in overlapping parts, in parts far apart in time, and in one insert', async () => {
  const org = 'count-copies';
  const at = (seq: number) => T + seq * 60_000;
  const row = (seq: number, extra: Partial<AuditFixture> = {}): AuditFixture => ({ org, seq, occurredAtMs: at(seq), outcome: seq % 3 === 0 ? 'error' : 'ok', ...extra });
  // Ten parts appended in time order (no overlap), then copies of rows 2 and 3, and of row 7 with a late row 1.
  for (let p = 0; p < 10; p++) await insertAuditFixtures(store, [row(p * 2), row(p * 2 + 1)]);
  assert.equal(await countAudit(store, { org }), 20);
  await insertAuditFixtures(store, [row(2), row(3)]);
  await insertAuditFixtures(store, [row(7), row(1)]);
  assert.equal(await countAudit(store, { org }), 20);
  assert.equal(await countAudit(store, { org, outcomes: ['error'] }), 7);
  assert.equal(await countAudit(store, { org, fromMs: at(2), toMs: at(8) }), 6);
  // The same row twice in one insert is one row.
  await insertAuditFixtures(store, [row(20, { arguments: 'twice' }), row(20, { arguments: 'twice' })]);
  assert.equal(await countAudit(store, { org, text: text('twice') }), 1);
  assert.equal(await countAudit(store, { org }), 21);
  // Copies of every row at once, then a merge folds them away: the count never moves.
  await insertAuditFixtures(store, Array.from({ length: 21 }, (_, seq) => row(seq, seq === 20 ? { arguments: 'twice' } : {})));
  assert.equal(await countAudit(store, { org }), 21);
  await store.client.command({ query: 'OPTIMIZE TABLE audit_log FINAL' });
  assert.equal(await countAudit(store, { org }), 21);
});

test('an export holds every row once: copies in overlapping parts, far apart, and an insert and a merge while it streams', async () => {
  const org = 'export-live';
  const n = 30_000; // more rows than one block of the engine's output, so the export is still streaming when the merge runs
  const row = (seq: number): AuditFixture => ({ org, seq, occurredAtMs: T + seq * 10, arguments: `{"n":${seq}}` });
  for (let p = 0; p < 3; p++) await insertAuditFixtures(store, Array.from({ length: n / 3 }, (_, i) => row(p * (n / 3) + i)));
  // Copies in a part that overlaps the newest one, and of a row far back in time with a new row.
  await insertAuditFixtures(store, [row(n - 1), row(n - 2), row(n - 3)]);
  await insertAuditFixtures(store, [row(5), row(n + 0)]);
  const lines: string[] = [];
  let rest = '';
  let chunks = 0;
  // 7,000-row chunks: the insert and the merge land between chunks and within one.
  for await (const c of exportAuditCsv(store, { org, toMs: T + (n + 1) * 10 }, ['seq', 'arguments'], { chunk: 7_000 })) {
    if (chunks++ === 0) {
      // While the export streams: copies of every row, rows newer than the export's first, then a merge that folds the copies.
      await insertAuditFixtures(store, Array.from({ length: n }, (_, seq) => row(seq)));
      await insertAuditFixtures(store, [row(n + 1), row(n + 2)]);
      await store.client.command({ query: 'OPTIMIZE TABLE audit_log FINAL' });
    }
    const text = rest + Buffer.from(c).toString('utf8');
    const cut = text.lastIndexOf('\r\n') + 2;
    lines.push(...text.slice(0, cut).split('\r\n').slice(0, -1));
    rest = text.slice(cut);
  }
  assert.ok(chunks > 1, `the export came in ${chunks} chunk(s)`);
  assert.equal(rest, '');
  assert.equal(lines.length, n + 1);
  assert.deepEqual(lines.slice(0, 3), [`${n},"{""n"":${n}}"`, `${n - 1},"{""n"":${n - 1}}"`, `${n - 2},"{""n"":${n - 2}}"`]);
  assert.ok(lines.every((l, i) => l.startsWith(`${n - i},`)), 'every seq once, newest first');
  // Read again after the merge: the same rows.
  assert.equal((await csvOf({ org, toMs: T + (n + 1) * 10 }, ['seq'], 100_000)).split('\r\n').length - 1, n + 1);
});

test('values with quotes, backslashes, NUL and SQL match literally', async () => {
  const nasty = ["o'rg", 'a\\b', 'x\0y', "'; DROP TABLE audit_log; --", '%_', 'ø🙂'];
  await insertAuditFixtures(store, nasty.map((actor, seq): AuditFixture => ({ org: 'nasty', seq, occurredAtMs: T + seq, actor, resource: actor })));
  for (const [seq, actor] of nasty.entries()) {
    assert.deepEqual(await seqs({ org: 'nasty', actor }), [seq], JSON.stringify(actor));
    assert.deepEqual(await seqs({ org: 'nasty', resourcePrefix: actor }), [seq], JSON.stringify(actor));
  }
  assert.deepEqual(await seqs({ org: 'nasty', actor: '%' }), []);
  assert.equal(await countAudit(store, { org: "'; DROP TABLE audit_log; --" }), 0);
  assert.equal(await countAudit(store, { org: 'nasty' }), nasty.length);
});
