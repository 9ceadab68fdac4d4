// `mcpg up`: the whole pipeline in one process on one machine — a local Kafka
// broker (or the in-process bus), the embedded ClickHouse engine, the rollup
// worker, the query API and demo traffic from the fleet simulator.
import {
  apiSettings,
  busSettings,
  ledgerSettings,
  planCatalogue,
  retentionSettings,
  loadConfig,
  payloadKeySettings,
  localKafkaSettings,
  simSettings,
  sqlSettings,
  storeSettings,
  telemetrySettings,
  workerSettings,
} from '@mcpg/config';
import { provisionKafka, startLocalBroker } from '@mcpg/bus';
import { TOPICS } from '@mcpg/events';
import { busOperatorAudit } from '@mcpg/pipeline';
import { OrgRetention, startLedgerPruning } from '@mcpg/store';
import { createLogger, startAppTracing } from '@mcpg/telemetry';
import { buildApi, createApiMetrics, createFlushSignal, loadApiKeys, loadControlOptions, payloadViews, sqlLimits, startHealthListener, startSqlEndpoint } from '@mcpg/api';
import { CONSOLE_PATH, loadConsole } from '@mcpg/console';
import {
  demoSigningKey,
  embeddedDir,
  formatSummary,
  kafkaDir,
  ledgerWorkerOptions,
  loadSigningKeys,
  openBus,
  openStore,
  rollupWorkerOptions,
  runFleetSim,
  simOptions,
  startLedgerWorker,
  startRollupWorker,
} from '@mcpg/workers';
import type { Command } from '../command.ts';
import { Lifecycle } from '../lifecycle.ts';

const settings = {
  ...busSettings,
  ...localKafkaSettings,
  ...storeSettings,
  ...apiSettings,
  // The analyst SQL endpoint is on here, on loopback; elsewhere it is off unless configured.
  ...sqlSettings,
  sqlListen: { ...sqlSettings.sqlListen, default: '127.0.0.1:8124' },
  ...workerSettings,
  ...simSettings,
  ...telemetrySettings,
  ...ledgerSettings,
  ...retentionSettings,
  ...payloadKeySettings,
};

export const upCommand: Command = {
  name: 'up',
  summary: 'Run everything in one process: broker, embedded ClickHouse, rollup and ledger workers, API and demo traffic',
  details: [
    'With --bus kafka (the default) and no MCPG_KAFKA_BROKERS / --kafka-brokers, a single-node KRaft',
    'broker is started on 127.0.0.1:<kafka-port> with its data in <data-dir>/kafka (Java 17 and Maven',
    'needed the first time, to fetch the broker from Maven Central). --bus memory needs no Java.',
    'The embedded engine keeps its data in <data-dir>/clickhouse: one process per data directory.',
  ].join('\n'),
  settings,
  async run(argv, env) {
    const c = loadConfig(settings, { env, argv });
    const log = createLogger({ name: 'mcpg', level: c.logLevel });
    const life = new Lifecycle((m) => log.info(m));
    const lines: string[] = [];
    const tracing = startAppTracing('mcpg', c, log);
    life.add('tracing', () => tracing.shutdown());
    try {
      let brokers = c.kafkaBrokers;
      const external = Boolean(env.MCPG_KAFKA_BROKERS) || argv.some((a) => a.startsWith('--kafka-brokers'));
      if (c.bus === 'kafka' && !external) {
        await provisionKafka({ quiet: false });
        const broker = await startLocalBroker({ port: c.kafkaPort, dataDir: kafkaDir(c.dataDir) });
        life.add('kafka broker', () => broker.stop());
        brokers = broker.brokers;
        lines.push(`kafka      ${brokers.join(',')} (local KRaft broker, pid ${broker.pid}, data in ${kafkaDir(c.dataDir)})`);
      } else if (c.bus === 'kafka') {
        lines.push(`kafka      ${brokers.join(',')}`);
      } else {
        lines.push('bus        in-process (memory): nothing survives a restart (a restart on this data directory is refused)');
      }

      const bus = openBus({ ...c, kafkaBrokers: brokers }, log, 'up');
      life.add('bus', () => bus.close());
      await bus.ensureTopics([TOPICS.calls, TOPICS.audit, TOPICS.payloads, TOPICS.deadletter].map((name) => ({ name, partitions: c.partitions })));

      const store = await openStore(c);
      life.add('clickhouse', () => store.close());
      lines.push(
        c.clickhouseUrl
          ? `clickhouse ${c.clickhouseUrl} database ${c.clickhouseDatabase}`
          : `clickhouse embedded, data in ${embeddedDir(c.dataDir)}, database ${c.clickhouseDatabase}`,
      );

      // The API reuses answers until a worker stores new data: in one process
      // it hears of each flush at once.
      const flushes = createFlushSignal();

      // Each org's retention plan: rows are stamped with it, and a change seen here is re-applied.
      const retention = new OrgRetention(store, planCatalogue(c));
      await retention.refresh();
      retention.start(30_000, (e) => log.warn({ err: String(e) }, 'reading org plans failed; trying again'));
      life.add('retention plans', () => retention.stop());
      const operatorAudit = busOperatorAudit(bus);
      life.add('operator audit', () => operatorAudit.close());

      const worker = await startRollupWorker({
        bus,
        store,
        retention,
        ...rollupWorkerOptions(c),
        onFlushed: (r) => flushes.notify(r.consumer),
        log,
        onFatal: (e) => {
          log.error({ err: String(e) }, 'rollup worker cannot store events; stopping');
          void life.stop().then(() => process.exit(1));
        },
      });
      life.add('rollup worker', () => worker.stop());
      lines.push(`worker     rollup-worker consuming ${TOPICS.calls}`);

      // The demo signs with a key of its own data directory unless one is configured.
      const configured = loadSigningKeys(c);
      const demo = configured ? undefined : demoSigningKey(c.dataDir);
      const ledger = await startLedgerWorker({
        bus,
        store,
        signingKeys: configured ?? demo!.keys,
        ...ledgerWorkerOptions(c),
        onFlushed: (r) => flushes.notify(r.consumer),
        log,
        onFatal: (e) => {
          log.error({ err: String(e) }, 'ledger worker cannot go on; stopping');
          void life.stop().then(() => process.exit(1));
        },
      });
      life.add('ledger worker', () => ledger.stop());
      const stopPruning = startLedgerPruning(retention, 3_600_000, {
        onPruned: (r) => log.info({ org: r.org, prunedSize: r.prunedSize, newlyPruned: r.newlyPruned }, 'ledger rows past the audit window pruned'),
        onError: (e) => log.warn({ err: String(e) }, 'ledger pruning failed; trying again in an hour'),
      });
      life.add('ledger pruning', stopPruning);
      lines.push(`worker     ledger-worker routing ${TOPICS.audit} by org into ${TOPICS.auditByOrg} and folding it, a checkpoint every ${c.ledgerSegmentRows} rows or ${c.ledgerSegmentSeconds} s of event time`);
      lines.push(
        demo
          ? `ledger key ${demo.created ? 'generated' : 'demo key'} ${demo.privateFile}; public key for mcpg verify: ${demo.publicFile}`
          : `ledger key ${c.ledgerKeyFile || 'MCPG_LEDGER_KEY'} (public: ${configured!.keyring().format().trim().split('\n').join(' ')})`,
      );

      // Local demo: without configured keys the API is open (it listens on 127.0.0.1 by default).
      const apiKeys = await loadApiKeys({ file: c.apiKeysFile, specs: c.apiKeys });
      const cursorSecret = c.apiCursorSecret ? Buffer.from(c.apiCursorSecret, 'utf8') : undefined;
      // The web console, built first if its sources changed (esbuild, well under a second).
      const consoleFiles = await loadConsole();
      let payloads: ReturnType<typeof payloadViews> | undefined;
      if (c.payloadKeystoreFile) {
        const producer = await bus.producer();
        life.add('payload view producer', () => producer.close());
        payloads = payloadViews({ keystoreFile: c.payloadKeystoreFile, kekFile: c.payloadKekFile, producer, viewsPerMinute: c.apiPayloadViewsPerMinute });
        await payloads.keys.get();
        lines.push(`payloads   decrypt-on-view with keystore ${c.payloadKeystoreFile} (payload role; every view recorded in the org ledger)`);
      }
      const load = loadControlOptions(c);
      const metrics = createApiMetrics();
      const api = buildApi({
        store,
        logger: false,
        apiKeys,
        tracing,
        metrics,
        console: consoleFiles,
        ...(cursorSecret ? { cursorSecret } : {}),
        ledgerKeyring: (configured ?? demo!.keys).keyring(),
        load: load && { ...load, flushes },
        retention,
        operatorAudit,
        ...(payloads ? { payloads } : {}),
      });
      await api.listen({ host: c.apiHost, port: c.apiPort });
      life.add('api', () => api.close());
      const base = `http://${c.apiHost}:${(api.server.address() as { port: number }).port}`;
      lines.push(`api        ${base}  (try: curl '${base}/v1/orgs/${c.simOrgs[0]}/metrics?granularity=minute')`);
      lines.push(`console    ${base}${CONSOLE_PATH}  (${consoleFiles.built ? `built in ${Math.round(consoleFiles.buildMs)} ms` : 'build up to date'}, ${Math.round(consoleFiles.manifest.size.gzip / 1024)} KB gzipped; sign in with an API key${apiKeys.length > 0 ? '' : ', none needed while auth is off'})`);
      if (c.apiHealthListen !== '') {
        const health = await startHealthListener({ listen: c.apiHealthListen, store, stallAfterMs: c.apiHealthStallMs });
        life.add('health listener', () => health.close());
        lines.push(`health     ${health.url}/healthz, ${health.url}/readyz  (probes, answered off the API's event loop)`);
      }
      lines.push(apiKeys.length > 0 ? `api auth   ${apiKeys.length} API keys` : 'api auth   off: no API keys configured (MCPG_API_KEYS_FILE / MCPG_API_KEYS); anyone reaching the port reads everything');
      if (c.sqlListen !== '' && store.kind === 'embedded') {
        const sql = await startSqlEndpoint({ store, apiKeys, metrics, listen: c.sqlListen, limits: sqlLimits(c), maxConcurrentPerKey: c.sqlConcurrentPerKey, log });
        life.add('sql endpoint', () => sql.close());
        lines.push(`sql        ${sql.url}  (ClickHouse HTTP, read-only, database ${sql.database}; try: mcpg sql --sql-url ${sql.url} "SHOW TABLES"${apiKeys.length > 0 ? '; keys need the sql role' : ''})`);
      } else if (c.sqlListen !== '') {
        lines.push('sql        off: with a ClickHouse server, analysts use its own analyst user');
      }

      if (c.simRate > 0) {
        const abort = new AbortController();
        const sim = runFleetSim({ bus, ...simOptions(c), signal: abort.signal })
          .then((s) => log.info('\n' + formatSummary(s)))
          .catch((e) => log.error({ err: String(e) }, 'fleet simulator stopped'));
        life.add('fleet simulator', async () => {
          abort.abort();
          await sim;
        });
        lines.push(`simulator  ${c.simRate} calls/s from ${c.simGateways} gateways in orgs ${c.simOrgs.join(', ')}`);
      }
      console.log(['', 'mcpg is up:', ...lines.map((l) => `  ${l}`), '', 'Ctrl-C stops everything; data stays on disk.', ''].join('\n'));
    } catch (e) {
      await life.stop();
      throw e;
    }
    await life.onSignals();
    return 0;
  },
};
