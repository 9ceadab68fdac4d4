// Every SQL example analysts are given runs on the real engine: the ```sql
// blocks of README.md and the example queries in the migrations' header
// comments. They copy these into clickhouse-client, so a renamed column or a
// query ClickHouse refuses must fail here, not in their hands. The tables
// hold two days of simulated traffic folded the way the rollup worker folds it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { seedTraffic, sqlBlockStatements, sqlStatements } from '@mcpg/api/testing';
import { type Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const SCHEMAS = new URL('../schemas/clickhouse/', import.meta.url);

/**
 * A migration's example queries: in its header comment lines indented
 * `--   `, each from a line starting SELECT or WITH to its `;` (indented prose
 * around them, such as an index expression, is not a query).
 */
function migrationExamples(sql: string): string[] {
  const out: string[] = [];
  let current: string[] | undefined;
  for (const line of sql.split('\n')) {
    if (!line.startsWith('--   ')) {
      current = undefined;
      continue;
    }
    const text = line.slice(5);
    if (current === undefined && /^(SELECT|WITH)\b/i.test(text)) current = [];
    if (current === undefined) continue;
    current.push(text);
    if (text.trimEnd().endsWith(';')) {
      out.push(...sqlStatements(current.join('\n')));
      current = undefined;
    }
  }
  return out;
}

let store: Store;

before(async () => {
  store = await createTestStore();
  await seedTraffic(store, 8_000);
});

after(async () => {
  await store?.close();
});

async function failing(queries: readonly string[]): Promise<{ failures: string[]; withRows: number }> {
  const failures: string[] = [];
  let withRows = 0;
  for (const query of queries) {
    try {
      const rs = await store.client.query({ query, format: 'JSONEachRow' });
      if ((await rs.json()).length > 0) withRows++;
    } catch (e) {
      failures.push(`${String(e).split('\n')[0]}\n${query}`);
    }
  }
  return { failures, withRows };
}

test('the README has SQL examples, and every one of them runs', async () => {
  const queries = sqlBlockStatements(README);
  assert.ok(queries.length >= 5, `found ${queries.length} examples`);
  const { failures, withRows } = await failing(queries);
  assert.deepEqual(failures, []);
  assert.ok(withRows >= queries.length / 2, `most examples find the simulated traffic (${withRows} of ${queries.length})`);
});

test('every example query in the migrations\' header comments runs', async () => {
  const files = readdirSync(SCHEMAS).filter((f) => f.endsWith('.sql'));
  const queries = files.flatMap((f) => migrationExamples(readFileSync(new URL(f, SCHEMAS), 'utf8')));
  assert.ok(queries.length >= files.length, `found ${queries.length} examples in ${files.length} migrations`);
  const { failures } = await failing(queries);
  assert.deepEqual(failures, []);
});
