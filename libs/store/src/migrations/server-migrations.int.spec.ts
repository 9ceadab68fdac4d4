// The repository's server-only migrations cannot run here (the embedded
// engine refuses access control), so they are checked as far as this engine
// goes: ClickHouse's own parser reads every statement, the analysts' row
// policies name every table and view with an org column, and each policy's
// condition is valid SQL over the table it filters.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../create-store.ts';
import { createTestStore } from '../testing.ts';
import { loadMigrations } from './load-migrations.ts';
import { CLICKHOUSE_SCHEMA_DIR } from './migrate.ts';

let store: Store;
before(async () => {
  store = await createTestStore();
});
after(() => store.close());

async function formatQuery(sql: string): Promise<string> {
  const rs = await store.client.query({ query: 'SELECT formatQuery({q:String}) AS f', query_params: { q: sql }, format: 'JSONEachRow' });
  const [row] = await rs.json<{ f: string }>();
  return row!.f;
}

/** Policies as ClickHouse prints them back: `CREATE ROW POLICY … ON <table> AS PERMISSIVE FOR SELECT USING <cond> TO ALL`. */
const POLICY = /^CREATE ROW POLICY OR REPLACE mcpg_org_scope ON (\w+) AS PERMISSIVE FOR SELECT USING ([\s\S]+) TO ALL$/;

test('every statement of every server-only migration is one statement ClickHouse parses', async () => {
  const server = (await loadMigrations(CLICKHOUSE_SCHEMA_DIR)).filter((m) => m.target === 'server');
  assert.ok(server.length > 0, 'the repository has server-only migrations');
  for (const m of server) {
    for (const [i, sql] of m.statements.entries()) {
      const canonical = await formatQuery(sql).catch((e: Error) => assert.fail(`${m.file}, statement ${i + 1}: ${e.message}`));
      assert.ok(canonical.length > 0, `${m.file}, statement ${i + 1}`);
    }
  }
});

test('the analysts\' row policies cover every table and view with an org column, with a condition valid on each', async () => {
  const server = (await loadMigrations(CLICKHOUSE_SCHEMA_DIR)).filter((m) => m.target === 'server');
  const conditions = new Map<string, string>();
  for (const m of server) {
    for (const sql of m.statements) {
      const match = POLICY.exec(await formatQuery(sql));
      if (match) conditions.set(match[1]!, match[2]!);
    }
  }
  const rs = await store.client.query({
    query: `SELECT DISTINCT table FROM system.columns WHERE database = currentDatabase() AND name = 'org' ORDER BY table`,
    format: 'JSONEachRow',
  });
  const orgTables = (await rs.json<{ table: string }>()).map((r) => r.table);
  const missing = orgTables.filter((t) => !conditions.has(t));
  assert.deepEqual(missing, [], `tables with an org column but no mcpg_org_scope row policy: add one in a new NNN_name.server.sql migration (see 077)`);
  assert.deepEqual([...conditions.keys()].filter((t) => !orgTables.includes(t)), [], 'policies on tables that do not exist or have no org column');
  // The condition is evaluated against the table's own columns; with no
  // SQL_mcpg_orgs set (as for the apps' user) it lets every row through.
  for (const [table, condition] of conditions) {
    await store.client.command({ query: `INSERT INTO \`${table}\` (org) VALUES ('acme')` }).catch(() => undefined);
    const counted = await store.client.query({ query: `SELECT count() AS n, countIf(${condition}) AS kept FROM \`${table}\``, format: 'JSONEachRow' });
    const [row] = await counted.json<{ n: string; kept: string }>();
    assert.equal(row!.kept, row!.n, `${table}: a user without SQL_mcpg_orgs reads every row`);
  }
});
