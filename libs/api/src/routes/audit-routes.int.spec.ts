import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { insertAuditFixtures, type AuditFixture } from '@mcpg/store/testing';
import { createTestApi, type TestApi } from '../testing/api-test-app.ts';

let api: TestApi;
before(async () => {
  api = await createTestApi();
});
after(async () => {
  await api.close();
});

const T = Date.UTC(2026, 1, 26, 14, 0, 0);
const get = async (url: string, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url, headers });

interface Page {
  items: { seq: number; occurred_at: string; actor: string; outcome: string; latency_ms: number | null }[];
  next_cursor: string | null;
}

test('GET /v1/orgs/:org/audit: filters, q, newest first, JSON items', async () => {
  const org = 'search';
  await insertAuditFixtures(store(), [
    { org, seq: 0, occurredAtMs: T, actor: 'alice', resource: 'github__create_pr', outcome: 'error', error: 'rate_limit_exceeded', latencyUs: 2_341_000 },
    { org, seq: 1, occurredAtMs: T + 60_000, actor: 'bob', action: 'policy.deny', outcome: 'denied', decision: 'deny', error: 'policy rule 3 denies slack__post' },
    { org, seq: 2, occurredAtMs: T + 120_000, actor: 'alice', workspace: 'dev', instance: 'gw-9', arguments: '{"query":"quarterly invoice"}' },
  ]);
  const seqs = async (qs: string) => ((await get(`/v1/orgs/${org}/audit?${qs}`)).json() as Page).items.map((i) => i.seq);
  assert.deepEqual(await seqs(''), [2, 1, 0]);
  assert.deepEqual(await seqs('action_prefix=tool.'), [2, 0]);
  assert.deepEqual(await seqs('actor=alice'), [2, 0]);
  assert.deepEqual(await seqs('instance=gw-9'), [2]);
  assert.deepEqual(await seqs('workspace=dev'), [2]);
  assert.deepEqual(await seqs('outcome=error,denied'), [1, 0]);
  assert.deepEqual(await seqs('from=2026-02-26T14:01:00Z&to=2026-02-26T14:02:00Z'), [1]);
  assert.deepEqual(await seqs('from=2026-02-26T15:01:00%2B01:00'), [1, 2].reverse());
  assert.deepEqual(await seqs('q=RATE+limit'), [0]);
  assert.deepEqual(await seqs('q=%22invoice+quarterly%22'), []);
  assert.deepEqual(await seqs('q=%22quarterly+invoice%22'), [2]);
  assert.deepEqual(await seqs('q=alice+-error'), [2]);
  const res = await get(`/v1/orgs/${org}/audit?limit=1&actor=alice&outcome=error`);
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), {
    items: [
      {
        seq: 0, event_id: 'evt-search-0', occurred_at: '2026-02-26T14:00:00.000Z', workspace: 'prod', instance: 'gw-1', action: 'tool.call', actor: 'alice',
        resource: 'github__create_pr', decision: 'permit', outcome: 'error', latency_ms: 2341, arguments: null, response: null, error: 'rate_limit_exceeded', trace_id: null,
      },
    ],
    next_cursor: null,
    // The org's ledger was never pruned: nothing of the range is missing.
    truncated_before: null,
  });
});

test('cursor pages: every row once while new rows arrive; forged, edited or reused cursors are 400', async () => {
  const org = 'paging';
  await insertAuditFixtures(store(), Array.from({ length: 95 }, (_, seq): AuditFixture => ({ org, seq, occurredAtMs: T + Math.floor(seq / 4) * 1000 })));
  const seen: number[] = [];
  let cursor: string | null = null;
  let next = 95;
  let firstCursor = '';
  do {
    const res = await get(`/v1/orgs/${org}/audit?limit=20${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json() as Page;
    seen.push(...page.items.map((i) => i.seq));
    cursor = page.next_cursor;
    firstCursor ||= cursor ?? '';
    await insertAuditFixtures(store(), [{ org, seq: next++, occurredAtMs: T + 10_000_000 }]);
  } while (cursor);
  assert.deepEqual(seen, Array.from({ length: 95 }, (_, i) => 94 - i));

  const bad = async (c: string, qs = '') => {
    const res = await get(`/v1/orgs/${org}/audit?cursor=${encodeURIComponent(c)}${qs}`);
    assert.equal(res.statusCode, 400, c);
    assert.equal(res.json().error.parameter, 'cursor');
    return res.json().error.message as string;
  };
  const [payload, mac] = firstCursor.split('.') as [string, string];
  const edited = Buffer.from(JSON.stringify([1, T + 999_999, 3, 'x'])).toString('base64url');
  await bad(`${edited}.${mac}`);
  await bad(`${payload}.${mac.slice(0, -2)}AA`);
  await bad('not-a-cursor');
  await bad(`${payload}.`);
  assert.match(await bad(firstCursor, '&actor=alice'), /other filters/);
  assert.equal((await get(`/v1/orgs/other-org/audit?cursor=${firstCursor}`)).statusCode, 400, 'a cursor of one org is refused for another');
});

test('GET /api/v1/audit/tool-calls: the {items,total,page} shape, exact total, filters', async () => {
  const org = 'calls';
  const rows: AuditFixture[] = [];
  for (let seq = 0; seq < 30; seq++) {
    rows.push({ org, seq, occurredAtMs: T + seq * 1000, resource: seq % 2 ? 'github__create_pr' : 'slack__post', outcome: seq % 3 === 0 ? 'error' : 'ok', error: seq % 3 === 0 ? 'rate_limit_exceeded' : null, latencyUs: 2_341_000 });
  }
  rows.push({ org, seq: 30, occurredAtMs: T + 30_000, action: 'sandbox.exec', resource: 'python__run' });
  rows.push({ org, seq: 31, occurredAtMs: T + 31_000, action: 'plugin.crashed', resource: 'jira' });
  // A call the gateway's policy denied is a call too.
  rows.push({ org, seq: 32, occurredAtMs: T + 32_000, action: 'policy.deny', resource: 'github__delete_repo', outcome: 'denied', decision: 'deny', error: 'destructive tools are blocked' });
  await insertAuditFixtures(store(), rows);
  await insertAuditFixtures(store(), rows.slice(0, 5)); // re-appended by a restarted ledger worker
  const res = await get(`/api/v1/audit/tool-calls?org=${org}&status=error&page_size=3`);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json();
  assert.equal(body.total, 10);
  assert.equal(body.page, 1);
  assert.equal(body.items.length, 3);
  assert.deepEqual(
    { ...body.items[0], arguments: undefined },
    {
      tool: 'github__create_pr', server: 'github', status: 'error', latency_ms: 2341, error: 'rate_limit_exceeded', created_at: '2026-02-26T14:00:27.000Z',
      source: 'mcp', id: 'evt-calls-27', seq: 27, actor: 'alice', workspace: 'prod', instance: 'gw-1', arguments: undefined, response: null, trace_id: null,
    },
  );
  const total = async (qs: string) => (await get(`/api/v1/audit/tool-calls?org=${org}&${qs}`)).json().total;
  assert.equal(await total(''), 32, 'tool calls, denied calls and sandbox runs, not plugin crashes');
  assert.equal(await total('source=sandbox'), 1);
  assert.equal(await total('source=mcp'), 31, 'denials are listed as mcp calls');
  const denied = (await get(`/api/v1/audit/tool-calls?org=${org}&status=denied`)).json();
  assert.equal(denied.total, 1);
  assert.deepEqual([denied.items[0].tool, denied.items[0].status, denied.items[0].source], ['github__delete_repo', 'denied', 'mcp']);
  assert.equal(await total('server=github'), 16);
  assert.equal(await total('tool=post'), 15);
  assert.equal(await total('tool=github__create_pr&status=ok'), 10);
  assert.equal(await total('q=rate+limit'), 10);
  const page4 = (await get(`/api/v1/audit/tool-calls?org=${org}&page=4&page_size=10`)).json();
  assert.deepEqual(page4.items.map((i: { seq: number }) => i.seq), [1, 0]);
  assert.equal((await get(`/api/v1/audit/tool-calls?status=error`)).json().error.parameter, 'org');
  assert.equal((await get(`/api/v1/audit/tool-calls?org=${org}&page=100000&page_size=500`)).json().error.parameter, 'page');
});

test('pages never serve a row the ledger does not cover: an edited search copy is a LEDGER_INTEGRITY error naming the seq', async () => {
  const org = 'forged-copy';
  await insertAuditFixtures(store(), Array.from({ length: 8 }, (_, seq): AuditFixture => ({ org, seq, occurredAtMs: T + seq * 1000, actor: 'alice' })));
  const search = `/v1/orgs/${org}/audit`;
  const calls = `/api/v1/audit/tool-calls?org=${org}`;
  assert.equal((await get(search)).statusCode, 200);
  const sql = (query: string) => store().client.command({ query, query_params: { org }, clickhouse_settings: { mutations_sync: '2' } });
  // Only the copy pages are read from (audit_rows_json) is edited; the ledger's own rows are untouched.
  await sql(`ALTER TABLE audit_rows_json UPDATE row = replaceOne(row, '"alice"', '"mallory"') WHERE org = {org:String} AND seq = 5`);
  for (const url of [search, `${search}?actor=alice`, calls]) {
    const res = await get(url);
    assert.equal(res.statusCode, 500, url);
    assert.equal(res.json().error.code, 'LEDGER_INTEGRITY');
    assert.match(res.json().error.message, /audit row seq 5 of forged-copy read from audit_rows_json does not hash to the leaf hash stored with its ledger row/);
    assert.doesNotMatch(res.body, /mallory/);
  }
  assert.equal((await get(`${search}?to=${new Date(T + 5000).toISOString()}`)).statusCode, 200, 'pages without the row are served');
  // A row missing from the copy is read from audit_log and checked the same way.
  await sql(`ALTER TABLE audit_rows_json DELETE WHERE org = {org:String} AND seq = 5`);
  assert.equal((await get(search)).statusCode, 200);
  await sql(`ALTER TABLE audit_log UPDATE actor = 'mallory' WHERE org = {org:String} AND seq = 5`);
  const res = await get(search);
  assert.equal(res.statusCode, 500);
  assert.match(res.json().error.message, /audit row seq 5 of forged-copy read from audit_log does not hash/);
});

test('CSV export of any audit query: streamed, RFC 4180, header row, formulas neutralised', async () => {
  const org = 'csv';
  const n = 25_000; // (chunk boundaries: libs/store query-audit.int.spec.ts)
  const rows = Array.from({ length: n }, (_, seq): AuditFixture => ({ org, seq, occurredAtMs: T + seq, actor: seq === n - 1 ? '=HYPERLINK("http://evil")' : 'bob', arguments: seq === n - 1 ? 'a,b\n"c" ünï' : null }));
  await insertAuditFixtures(store(), rows);
  for (const how of [{ url: `/v1/orgs/${org}/audit?format=csv&limit=5`, headers: {} as Record<string, string> }, { url: `/v1/orgs/${org}/audit?limit=5`, headers: { accept: 'text/csv' } }]) {
    const res = await get(how.url, how.headers);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8; header=present');
    assert.match(String(res.headers['content-disposition']), /attachment; filename="audit-csv.csv"/);
    const lines = res.body.split('\r\n');
    assert.equal(lines[0], 'seq,event_id,occurred_at,workspace,instance,action,actor,resource,decision,outcome,latency_ms,arguments,response,error,trace_id');
    assert.equal(lines.length, n + 2, 'header, every row (limit does not apply), and the final CRLF');
    // Every text field quoted (RFC 4180 allows it), quotes doubled, NULL empty, the formula defused.
    assert.equal(lines[1], `${n - 1},"evt-csv-${n - 1}","2026-02-26T14:00:24.999Z","prod","gw-1","tool.call","'=HYPERLINK(""http://evil"")","github__search","permit","ok",1.5,"a,b\n""c"" ünï",,,`);
    assert.equal(lines[n], `0,"evt-csv-0","2026-02-26T14:00:00.000Z","prod","gw-1","tool.call","bob","github__search","permit","ok",1.5,,,,`);
    assert.equal(new Set(lines.slice(1, -1).map((l) => l.split(',')[0])).size, n, 'no row twice across chunks');
  }
  const calls = await get(`/api/v1/audit/tool-calls?org=${org}&format=csv&actor=x&q=hyperlink`);
  assert.equal(calls.statusCode, 200);
  assert.deepEqual(calls.body.split('\r\n').slice(0, 1), ['tool,server,status,latency_ms,error,created_at,source,id,seq,actor,workspace,instance,arguments,response,trace_id']);
  assert.equal(calls.body.split('\r\n').length, 3);
});

test('CSV cells starting with = + - @, tab or CR are defused; others are untouched', async () => {
  const actors = ['+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '=1', 'a=1', 'plain'];
  await insertAuditFixtures(store(), actors.map((actor, seq): AuditFixture => ({ org: 'csv-formula', seq, occurredAtMs: T - seq, actor, latencyUs: null })));
  const res = await get('/v1/orgs/csv-formula/audit?format=csv');
  const cells = res.body.split('\r\n').slice(1, -1).map((l) => l.split(',')[6]);
  assert.deepEqual(cells, [`"'+1+1"`, `"'-2+3"`, `"'@SUM(A1)"`, `"'\t=1"`, `"'\r=1"`, `"'=1"`, '"a=1"', '"plain"']);
});

test('CSV keeps quotes, line breaks, NUL and non-ASCII text intact inside quoted cells', async () => {
  const values = ['say "hi"', 'two\r\nlines', 'lf\nonly', 'nul\0byte', '"=quoted"', 'ünï 🙂', '-1, "x"'];
  await insertAuditFixtures(store(), values.map((error, seq): AuditFixture => ({ org: 'csv-text', seq, occurredAtMs: T - seq, error, latencyUs: null })));
  const res = await get('/v1/orgs/csv-text/audit?format=csv');
  assert.equal(res.statusCode, 200);
  // Rows start with `<seq>,"evt-`; error is the cell before the empty trace_id at the end of a row.
  const rows = res.rawPayload.toString('utf8').split(/\r\n(?=\d+,"evt-)/).slice(1);
  const errors = rows.map((r) => r.slice(r.indexOf('"ok",,,,') + '"ok",,,,'.length).replace(/,(\r\n)?$/, ''));
  assert.deepEqual(errors, ['"say ""hi"""', '"two\r\nlines"', '"lf\nonly"', '"nul\0byte"', '"""=quoted"""', '"ünï 🙂"', `"'-1, ""x"""`]);
});

test('GET /v1/orgs/:org/tokens: per group and bucket, top and totals; defaults and limits', async () => {
  const res = await get('/v1/orgs/tokens/tokens?from=2026-02-26&to=2026-02-27&group_by=tool&interval=hour');
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), { from: '2026-02-26T00:00:00.000Z', to: '2026-02-27T00:00:00.000Z', group_by: 'tool', interval: 'hour', totals: { input: 0, output: 0, total: 0 }, top: [], series: [] });
  const bad = async (qs: string) => (await get(`/v1/orgs/tokens/tokens?${qs}`)).json().error.parameter;
  assert.equal(await bad('group_by=model'), 'group_by');
  assert.equal(await bad('interval=week'), 'interval');
  assert.equal(await bad('from=2026-01-01&to=2026-06-01'), 'from', 'per hour: at most 93 days');
  const year = await get('/v1/orgs/tokens/tokens?from=2025-02-27&to=2026-02-27&group_by=tool&interval=day');
  assert.equal(year.statusCode, 200, 'per day: a year is served from the day totals');
  const tooLong = await get('/v1/orgs/tokens/tokens?from=2025-01-01&to=2026-02-27&interval=day');
  assert.equal(tooLong.statusCode, 400);
  assert.match(tooLong.json().error.message, /at most 400 days before to with interval=day/);
  assert.equal(await bad('from=2026-02-27&to=2026-02-26'), 'from');
  assert.equal(await bad('top=0'), 'top');
});

function store() {
  return api.store;
}
