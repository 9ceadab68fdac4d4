// Every SQL example in README.md runs on the real engine: analysts copy these
// into clickhouse-client, so a renamed column or a query ClickHouse refuses
// must fail here, not in their hands. The tables hold a few days of simulated
// traffic folded the way the rollup worker folds it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { foldBatchTiers, toInvocationRow } from '@mcpg/rollup';
import { TrafficGenerator } from '@mcpg/simulator';
import { insertDayTotals, insertRollups, insertToolInvocations, type Store } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The statements of every ```sql block, comments-only pieces dropped. */
function examples(markdown: string): string[] {
  return [...markdown.matchAll(/```sql\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.split(/;\s*(?:\n|$)/))
    .map((q) => q.trim())
    .filter((q) => q.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--')));
}

let store: Store;

before(async () => {
  store = await createTestStore();
  const g = new TrafficGenerator({ seed: 3, orgs: ['default', 'acme'], gateways: 4, startTime: Date.now() - 2 * 86_400_000, rate: 0.05 });
  const calls = Array.from({ length: 8_000 }, (_, i) => ({ partition: i % 2, offset: i >> 1, event: g.next().call }));
  const { minutes, days } = foldBatchTiers(calls);
  await Promise.all([
    insertRollups(store, minutes),
    insertDayTotals(store, days),
    insertToolInvocations(store, calls.map((c) => toInvocationRow(c.event, c.partition, String(c.offset)))),
  ]);
});

after(async () => {
  await store?.close();
});

test('the README has SQL examples, and every one of them runs', async () => {
  const queries = examples(README);
  assert.ok(queries.length >= 5, `found ${queries.length} examples`);
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
  assert.deepEqual(failures, []);
  assert.ok(withRows >= queries.length / 2, `most examples find the simulated traffic (${withRows} of ${queries.length})`);
});
