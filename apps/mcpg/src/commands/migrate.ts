// `mcpg migrate`: apply the ClickHouse schema migrations and exit.
import { loadConfig, storeSettings } from '@mcpg/config';
import { openStore } from '@mcpg/workers';
import type { Command } from '../command.ts';

const settings = { ...storeSettings };

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply ClickHouse schema migrations (idempotent) and exit',
  settings,
  async run(argv, env) {
    const c = loadConfig(settings, { env, argv });
    const store = await openStore(c);
    await store.close();
    console.log(`migrations applied to ${c.clickhouseUrl || 'the embedded engine'} database ${c.clickhouseDatabase}`);
    return 0;
  },
};
