// On a cluster the apps' mutations (the retention re-stamp after a plan
// change, ledger pruning) must reach every shard's local table: a mutation of
// the Distributed table is refused by ClickHouse, and one of a single node's
// table name on a cluster would touch nothing of the org's rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from './create-store.ts';
import { mutationTarget } from './cluster-target.ts';
import { reapplyRetention } from './retention/reapply-retention.ts';
import { RETENTION_TABLES } from './retention/retention-tables.ts';

function recordingStore(cluster?: string): { store: Store; statements: string[] } {
  const statements: string[] = [];
  const client = { command: async (p: { query: string }) => void statements.push(p.query) };
  return { store: { client, ...(cluster === undefined ? {} : { cluster }) } as unknown as Store, statements };
}

const DAYS = { samples: 30, payloads: 30, rollups_1m: 30, rollups_1h: 30, rollups_1d: 30, audit: 30 };
const tables = Object.values(RETENTION_TABLES).flatMap((list) => list.map((t) => t.table));

test('on one node a plan change re-stamps the tables by their own names', async () => {
  const { store, statements } = recordingStore();
  await reapplyRetention(store, 'acme', DAYS);
  assert.deepEqual(
    statements.map((s) => /^ALTER TABLE (\S+) UPDATE retention_days/.exec(s)?.[1]),
    tables,
  );
});

test('on a cluster it re-stamps every shard\'s local table, ON CLUSTER', async () => {
  const { store, statements } = recordingStore('mcpg');
  await reapplyRetention(store, 'acme', DAYS);
  assert.deepEqual(
    statements.map((s) => /^ALTER TABLE `(\w+)` ON CLUSTER `mcpg` UPDATE retention_days = \{days:UInt16\} WHERE org = \{org:String\}/.exec(s)?.[1]),
    tables.map((t) => `${t}_local`),
  );
});

test('the target is spliced into SQL only as a checked identifier', () => {
  assert.equal(mutationTarget({}, 'audit_log'), 'audit_log');
  assert.equal(mutationTarget({ cluster: 'prod_eu' }, 'audit_log'), '`audit_log_local` ON CLUSTER `prod_eu`');
  assert.throws(() => mutationTarget({ cluster: 'x` ON CLUSTER `y' }, 'audit_log'), /not a cluster name/);
  assert.throws(() => mutationTarget({}, 'audit_log; DROP TABLE x'), /not a table name/);
});
