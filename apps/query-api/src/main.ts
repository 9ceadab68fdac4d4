// Query API process: reads config, opens the store, migrates, listens, and
// shuts down cleanly on SIGINT/SIGTERM. A first cut; the final composition
// (telemetry SDK, auth) comes with the app's own config schema.
import { apiSettings, describeConfig, loadConfig, storeSettings } from '@mcpg/config';
import { createLogger } from '@mcpg/telemetry';
import { createStore, migrate, type StoreConfig } from '@mcpg/store';
import { buildApi } from './app.ts';

const spec = { ...storeSettings, ...apiSettings };
const log = createLogger({ name: 'query-api' });

async function main(): Promise<void> {
  const config = loadConfig(spec, { env: process.env, argv: process.argv.slice(2) });
  log.info({ config: describeConfig(spec, config) }, 'starting');

  const storeConfig: StoreConfig = config.clickhouseUrl
    ? {
        kind: 'server',
        url: config.clickhouseUrl,
        database: config.clickhouseDatabase,
        username: config.clickhouseUser,
        password: config.clickhousePassword,
      }
    : { kind: 'embedded', dataDir: config.dataDir, database: config.clickhouseDatabase };

  const store = await createStore(storeConfig);
  const migrated = await migrate(store);
  log.info({ applied: migrated.applied, store: store.location }, 'schema up to date');

  const app = buildApi({ store, logger: log });
  await app.listen({ host: config.apiHost, port: config.apiPort });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await app.close(); // stops accepting, lets in-flight requests finish
    await store.close();
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  // Config and store errors carry messages meant for the operator.
  log.fatal({ err }, 'cannot start');
  process.exitCode = 1;
});
