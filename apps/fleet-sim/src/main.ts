// fleet-sim: simulated gateways sending Avro events to Kafka at a target rate.
// Same as `mcpg sim`; kept as its own app for deployments (docker-compose profile).
import { busSettings, loadConfig, simSettings, telemetrySettings } from '@mcpg/config';
import { createLogger } from '@mcpg/telemetry';
import { formatSummary, openBus, runFleetSim, simOptions } from '@mcpg/workers';

const c = loadConfig({ ...busSettings, ...simSettings, logLevel: telemetrySettings.logLevel }, { env: process.env, argv: process.argv.slice(2) });
const log = createLogger({ name: 'fleet-sim', level: c.logLevel });
const bus = openBus(c, log, 'fleet-sim');
const abort = new AbortController();
process.once('SIGINT', () => abort.abort());
process.once('SIGTERM', () => abort.abort());
const summary = await runFleetSim({ bus, ...simOptions(c), signal: abort.signal });
console.log(formatSummary(summary));
await bus.close();
process.exit(0);
