// rollup-worker: consumes call events and stores them in ClickHouse. Run as
// many instances as the topic has partitions; they share the consumer group.
import { busSettings, loadConfig, storeSettings, telemetrySettings, workerSettings } from '@mcpg/config';
import { createLogger, startAppTracing } from '@mcpg/telemetry';
import { rollupWorkerOptions, runWorkerProcess, startRollupWorker } from '@mcpg/workers';

const c = loadConfig({ ...busSettings, ...storeSettings, ...workerSettings, ...telemetrySettings }, { env: process.env, argv: process.argv.slice(2) });
const log = createLogger({ name: 'rollup-worker', level: c.logLevel });
const tracing = startAppTracing('mcpg-rollup-worker', c, log);
await runWorkerProcess({
  name: 'rollup-worker',
  config: c,
  log,
  tracing,
  start: ({ bus, store, onFlushed, onFatal }) => startRollupWorker({ bus, store, ...rollupWorkerOptions(c), onFlushed, log, onFatal }),
});
