// `mcpg migrate`: apply the ClickHouse schema migrations and exit; with
// --cluster NAME, print them rendered for a ClickHouse cluster instead
// (docs/scaling.md), for an operator to apply with clickhouse-client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, stringSetting, storeSettings } from '@mcpg/config';
import { CLICKHOUSE_SCHEMA_DIR, createStore, loadMigrations, renderForCluster, storeParser } from '@mcpg/store';
import { openStore } from '@mcpg/workers';
import type { Command } from '../command.ts';

const settings = {
  ...storeSettings,
  // The store's setting, with a flag: here it prints the schema for the cluster.
  clickhouseCluster: stringSetting({
    env: 'MCPG_CLICKHOUSE_CLUSTER',
    flag: 'cluster',
    default: '',
    pattern: /^([A-Za-z_][A-Za-z0-9_]{0,63})?$/,
    doc: 'mcpg migrate: print the migrations rendered for this ClickHouse cluster (ON CLUSTER, Replicated and Distributed tables) instead of applying them; nothing is connected to',
  }),
};

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply ClickHouse schema migrations (idempotent) and exit; --cluster NAME prints them for a cluster',
  settings,
  async run(argv, env) {
    const c = loadConfig(settings, { env, argv });
    if (c.clickhouseCluster !== '') {
      process.stdout.write(await renderCluster(c.clickhouseCluster, c.clickhouseDatabase));
      return 0;
    }
    const store = await openStore(c);
    await store.close();
    console.log(`migrations applied to ${c.clickhouseUrl || 'the embedded engine'} database ${c.clickhouseDatabase}`);
    return 0;
  },
};

/** The rendered script. ClickHouse's parser runs in an embedded engine on a throwaway directory. */
async function renderCluster(cluster: string, database: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpg-render-'));
  const store = await createStore({ kind: 'embedded', dataDir: dir, database: 'mcpg_render' });
  try {
    const migrations = await loadMigrations(CLICKHOUSE_SCHEMA_DIR);
    const statements = await renderForCluster(migrations, { cluster, database }, storeParser(store));
    const out = [
      `-- mcpg schema for ClickHouse cluster ${cluster}, database ${database}: ${migrations.length} migrations`,
      `-- (${migrations[0]?.file} … ${migrations.at(-1)?.file}). Apply before starting the apps, e.g.`,
      '--   clickhouse-client --user mcpg --ask-password --multiquery < mcpg-cluster.sql',
      '-- Every statement is idempotent; docs/scaling.md explains the layout.',
    ];
    let file: string | undefined;
    for (const s of statements) {
      if (s.file !== file) out.push('', s.file === '' ? '-- mcpg' : `-- ${s.file}`);
      file = s.file;
      out.push(`${s.sql};`);
    }
    return `${out.join('\n')}\n`;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
