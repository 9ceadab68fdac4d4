// rollup-worker: consumes call events and stores them in ClickHouse. Run as
// many instances as the topic has partitions; they share the consumer group.
import { busSettings, loadConfig, planCatalogue, retentionSettings, storeSettings, telemetrySettings, workerSettings } from '@mcpg/config';
import { OrgRetention } from '@mcpg/store';
import { createLogger, startAppTracing } from '@mcpg/telemetry';
import { rollupWorkerOptions, runWorkerProcess, startRollupWorker } from '@mcpg/workers';

const c = loadConfig({ ...busSettings, ...storeSettings, ...workerSettings, ...telemetrySettings, ...retentionSettings }, { env: process.env, argv: process.argv.slice(2) });
const log = createLogger({ name: 'rollup-worker', level: c.logLevel });
const tracing = startAppTracing('mcpg-rollup-worker', c, log);
await runWorkerProcess({
  name: 'rollup-worker',
  config: c,
  log,
  tracing,
  start: async ({ bus, store, onFlushed, onFatal }) => {
    // Rows are stamped with their org's plan; a plan change seen here is re-applied to what this worker wrote.
    const retention = new OrgRetention(store, planCatalogue(c));
    await retention.refresh();
    retention.start(30_000, (e) => log.warn({ err: String(e) }, 'reading org plans failed; trying again'));
    return startRollupWorker({ bus, store, retention, ...rollupWorkerOptions(c), onFlushed, log, onFatal });
  },
});
