// query-api: serves the fleet endpoint and health checks over HTTP. Reads
// config, opens the store (migrating it), listens, and shuts down cleanly.
import { apiSettings, busSettings, describeConfig, loadConfig, payloadKeySettings, planCatalogue, retentionSettings, sqlSettings, storeSettings, telemetrySettings } from '@mcpg/config';
import { busOperatorAudit } from '@mcpg/pipeline';
import { OrgRetention } from '@mcpg/store';
import { createLogger, startAppTracing } from '@mcpg/telemetry';
import { readFileSync } from 'node:fs';
import { buildApi, createApiMetrics, loadApiKeys, loadControlOptions, payloadViews, sqlLimits, startHealthListener, startSqlEndpoint, type HealthListener, type SqlEndpoint } from '@mcpg/api';
import { loadConsole } from '@mcpg/console';
import { Keyring } from '@mcpg/ledger';
import { openBus, openStore } from '@mcpg/workers';
import { TOPICS } from '@mcpg/events';

const spec = { ...storeSettings, ...apiSettings, ...sqlSettings, ...telemetrySettings, ...busSettings, ...retentionSettings, ...payloadKeySettings };
const config = loadConfig(spec, { env: process.env, argv: process.argv.slice(2) });
const log = createLogger({ name: 'query-api', level: config.logLevel });
log.info({ config: describeConfig(spec, config) }, 'starting');
const tracing = startAppTracing('mcpg-query-api', config, log);

const apiKeys = await loadApiKeys({ file: config.apiKeysFile, specs: config.apiKeys });
if (apiKeys.length === 0) log.warn('no API keys configured (MCPG_API_KEYS_FILE, MCPG_API_KEYS): every route is open to anyone who can reach the port');
const store = await openStore(config);
const cursorSecret = config.apiCursorSecret ? Buffer.from(config.apiCursorSecret, 'utf8') : undefined;
// Public keys only: the API verifies checkpoints, it never signs them.
const ledgerKeyring = config.apiLedgerKeysFile ? Keyring.parse(readFileSync(config.apiLedgerKeysFile, 'utf8')) : undefined;
if (!ledgerKeyring) log.warn('no ledger public keyring (MCPG_LEDGER_PUBLIC_KEYS_FILE): /v1/ledger/keys is empty and ledger verification cannot succeed');
// The web console at /console/ (built here if its sources changed since the last build).
const consoleFiles = await loadConsole();
log.info({ built: consoleFiles.built, gzipBytes: consoleFiles.manifest.size.gzip }, 'web console ready at /console/');
const metrics = createApiMetrics();
// Plan changes are operator actions recorded in the org's ledger: sent to mcpg.audit.v1 (connects on the first change).
const bus = openBus(config, log, 'query-api');
const operatorAudit = busOperatorAudit(bus);
const retention = new OrgRetention(store, planCatalogue(config));
// Decrypt-on-view: with a payload keystore, views are opened with its keys and recorded in the
// ledger through the audit topic, before the answer.
let payloads: ReturnType<typeof payloadViews> | undefined;
let closeProducer = async () => {};
if (config.payloadKeystoreFile) {
  await bus.ensureTopics([{ name: TOPICS.audit, partitions: config.partitions }]);
  const producer = await bus.producer();
  closeProducer = () => producer.close();
  payloads = payloadViews({ keystoreFile: config.payloadKeystoreFile, kekFile: config.payloadKekFile, producer, viewsPerMinute: config.apiPayloadViewsPerMinute });
  await payloads.keys.get(); // a keystore or KEK that cannot be read stops start-up, named
} else log.info('no payload keystore (MCPG_PAYLOAD_KEYSTORE_FILE): payload views answer PAYLOAD_VIEW_UNAVAILABLE');
const app = buildApi({ store, logger: log, apiKeys, tracing, metrics, console: consoleFiles, load: loadControlOptions(config), retention, operatorAudit, ...(cursorSecret ? { cursorSecret } : {}), ...(ledgerKeyring ? { ledgerKeyring } : {}), ...(payloads ? { payloads } : {}) });
await app.listen({ host: config.apiHost, port: config.apiPort });
// Probes on a port of their own, answered off the API's event loop (MCPG_API_HEALTH_LISTEN).
let health: HealthListener | undefined;
if (config.apiHealthListen !== '') {
  health = await startHealthListener({ listen: config.apiHealthListen, store, stallAfterMs: config.apiHealthStallMs });
  log.info({ url: health.url }, 'health listener (/healthz, /readyz)');
}
// Analysts' SQL (off unless MCPG_SQL_LISTEN is set; embedded engine only).
let sql: SqlEndpoint | undefined;
if (config.sqlListen !== '') {
  if (store.kind !== 'embedded') throw new Error('MCPG_SQL_LISTEN: the analyst SQL endpoint serves the embedded engine; with a ClickHouse server, analysts use its analyst user');
  sql = await startSqlEndpoint({ store, apiKeys, metrics, listen: config.sqlListen, limits: sqlLimits(config), maxConcurrentPerKey: config.sqlConcurrentPerKey, log });
  log.info({ url: sql.url }, 'analyst SQL endpoint listening');
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  health?.draining();
  await app.close(); // stops accepting, lets in-flight requests finish
  await health?.close();
  await sql?.close();
  await operatorAudit.close();
  await closeProducer();
  await bus.close();
  await store.close();
  await tracing.shutdown();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
