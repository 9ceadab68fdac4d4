// The settings mcpg apps share, grouped by the component they configure. Each
// app composes the groups it uses into its own spec (one typed schema per app).
import { parseFault } from '@mcpg/simulator';
import { EXPORTER_PRESETS, OTLP_PROTOCOLS } from '@mcpg/telemetry';
import { boolSetting, enumSetting, intSetting, itemListSetting, listSetting, numberSetting, stringSetting } from './setting.ts';
import { ConfigError } from './load-config.ts';
import { DEFAULT_PLAN_NAME, PlanCatalogue, parseOrgPlan, parsePlanSpec, type RetentionPlan } from './retention-plans.ts';

export const busSettings = {
  bus: enumSetting({
    env: 'MCPG_BUS',
    flag: 'bus',
    values: ['kafka', 'memory'] as const,
    default: 'kafka',
    doc: 'Event bus: a Kafka broker, or an in-process bus (single process, nothing survives a restart)',
  }),
  kafkaBrokers: listSetting({
    env: 'MCPG_KAFKA_BROKERS',
    flag: 'kafka-brokers',
    default: ['127.0.0.1:9092'],
    doc: 'Kafka bootstrap servers',
  }),
  kafkaClientId: stringSetting({ env: 'MCPG_KAFKA_CLIENT_ID', default: 'mcpg', doc: 'Kafka client id prefix' }),
  kafkaSessionTimeoutMs: intSetting({
    env: 'MCPG_KAFKA_SESSION_TIMEOUT_MS',
    default: 30_000,
    min: 6_000,
    max: 300_000,
    doc: 'Consumer session timeout: how long a crashed worker keeps its partitions before the group hands them to another',
  }),
  partitions: intSetting({
    env: 'MCPG_KAFKA_PARTITIONS',
    flag: 'partitions',
    default: 6,
    min: 1,
    max: 1024,
    doc: 'Partitions for topics mcpg creates; the most worker instances that can share a topic',
  }),
  kafkaReplicationFactor: intSetting({
    env: 'MCPG_KAFKA_REPLICATION_FACTOR',
    default: 1,
    min: 1,
    max: 16,
    doc: 'Replicas of topics mcpg creates (1 fits a single broker; use 3 on a real cluster). Topics that exist are left as they are',
  }),
  kafkaTls: boolSetting({ env: 'MCPG_KAFKA_TLS', default: false, doc: 'Connect to Kafka over TLS' }),
  kafkaTlsCaFile: stringSetting({
    env: 'MCPG_KAFKA_TLS_CA_FILE',
    default: '',
    doc: 'PEM CA bundle that signed the brokers\' certificates (e.g. Strimzi\'s cluster CA); empty: the system\'s CAs',
  }),
  kafkaTlsCertFile: stringSetting({ env: 'MCPG_KAFKA_TLS_CERT_FILE', default: '', doc: 'PEM client certificate, for brokers that authenticate clients by certificate (with MCPG_KAFKA_TLS_KEY_FILE)' }),
  kafkaTlsKeyFile: stringSetting({ env: 'MCPG_KAFKA_TLS_KEY_FILE', default: '', doc: 'PEM key of the client certificate' }),
  kafkaSaslMechanism: enumSetting({
    env: 'MCPG_KAFKA_SASL_MECHANISM',
    values: ['none', 'plain', 'scram-sha-256', 'scram-sha-512'] as const,
    default: 'none',
    doc: 'SASL mechanism for Kafka (plain only over TLS outside a test)',
  }),
  kafkaSaslUsername: stringSetting({ env: 'MCPG_KAFKA_SASL_USERNAME', default: '', doc: 'SASL user name' }),
  kafkaSaslPassword: stringSetting({ env: 'MCPG_KAFKA_SASL_PASSWORD', default: '', secret: true, doc: 'SASL password' }),
};

export const storeSettings = {
  clickhouseUrl: stringSetting({
    env: 'MCPG_CLICKHOUSE_URL',
    flag: 'clickhouse-url',
    default: '',
    pattern: /^(https?:\/\/.+)?$/,
    doc: 'ClickHouse server URL; empty means the embedded engine in MCPG_DATA_DIR',
  }),
  clickhouseDatabase: stringSetting({
    env: 'MCPG_CLICKHOUSE_DATABASE',
    default: 'mcpg',
    pattern: /^[A-Za-z_][A-Za-z0-9_]{0,63}$/,
    doc: 'ClickHouse database for mcpg tables',
  }),
  clickhouseCluster: stringSetting({
    env: 'MCPG_CLICKHOUSE_CLUSTER',
    default: '',
    pattern: /^([A-Za-z_][A-Za-z0-9_]{0,63})?$/,
    doc: 'ClickHouse cluster the mcpg tables live on (docs/scaling.md; server only): the apps run their maintenance mutations (retention re-stamp, ledger pruning) ON CLUSTER on its _local tables, and mcpg migrate prints the schema for it instead of applying it. Empty: one server',
  }),
  clickhouseUser: stringSetting({ env: 'MCPG_CLICKHOUSE_USER', default: 'default', doc: 'ClickHouse user (server only)' }),
  clickhousePassword: stringSetting({
    env: 'MCPG_CLICKHOUSE_PASSWORD',
    default: '',
    secret: true,
    doc: 'ClickHouse password (server only)',
  }),
  dataDir: stringSetting({
    env: 'MCPG_DATA_DIR',
    flag: 'data-dir',
    default: './data',
    doc: 'Directory for the embedded engine and the local broker; one process per directory',
  }),
};

export const apiSettings = {
  apiHost: stringSetting({ env: 'MCPG_API_HOST', flag: 'host', default: '127.0.0.1', doc: 'Address the query API listens on' }),
  apiPort: intSetting({ env: 'MCPG_API_PORT', flag: 'port', default: 7843, min: 0, max: 65535, doc: 'Port of the query API' }),
  apiHealthListen: stringSetting({
    env: 'MCPG_API_HEALTH_LISTEN',
    flag: 'health-listen',
    default: '',
    pattern: /^$|^[^\s:]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/,
    doc: "host:port of a probe-only listener answering /healthz and /readyz from a thread of its own, so probes do not wait behind query answers (point the orchestrator's probes here). Empty: off; the API port answers both either way",
  }),
  apiHealthStallMs: intSetting({
    env: 'MCPG_API_HEALTH_STALL_MS',
    default: 10_000,
    min: 1_000,
    max: 600_000,
    doc: "/healthz on MCPG_API_HEALTH_LISTEN fails once the API's event loop has not run for this long (a stuck process the orchestrator should restart)",
  }),
  apiKeysFile: stringSetting({
    env: 'MCPG_API_KEYS_FILE',
    flag: 'api-keys-file',
    default: '',
    doc: 'JSON file of API keys: {"keys": [{"id", "sha256" (of the secret), "orgs", "roles"}]}. No keys here or in MCPG_API_KEYS: auth is off',
  }),
  apiKeys: stringSetting({
    env: 'MCPG_API_KEYS',
    default: '',
    secret: true,
    doc: 'API keys as id:sha256:orgs:roles entries, comma-separated (orgs and roles each separated by a pipe character); hashes only, never the secrets',
  }),
  apiCursorSecret: stringSetting({
    env: 'MCPG_API_CURSOR_SECRET',
    default: '',
    secret: true,
    doc: 'Signs audit search cursors; give every API instance behind one address the same value (empty: random per process)',
  }),
  apiPayloadViewsPerMinute: intSetting({
    env: 'MCPG_API_PAYLOAD_VIEWS_PER_MINUTE',
    default: 60,
    min: 1,
    max: 100_000,
    doc: 'Payload views (decrypt-on-view) one API key may make per minute, per API instance; more get 429 with Retry-After',
  }),
  apiLedgerKeysFile: stringSetting({
    env: 'MCPG_LEDGER_PUBLIC_KEYS_FILE',
    default: '',
    doc: 'Public keyring of the ledger (`mcpg keys generate --public-out`): the API verifies checkpoints with it and serves it at /v1/ledger/keys (empty: no keys, ledger verify answers UNKNOWN_KEY)',
  }),
  apiMaxConcurrentQueries: intSetting({
    env: 'MCPG_API_MAX_CONCURRENT_QUERIES',
    default: 4,
    min: 1,
    max: 1024,
    doc: 'Requests the API lets reach ClickHouse at once; the rest wait in a queue per route class, the fleet endpoint first',
  }),
  apiQueueLimit: intSetting({
    env: 'MCPG_API_QUEUE_LIMIT',
    default: 64,
    min: 0,
    max: 100_000,
    doc: 'Requests that may wait per route class (fleet, query, export); beyond it the API answers 503 with Retry-After',
  }),
  apiCacheMaxAgeMs: intSetting({
    env: 'MCPG_API_CACHE_MAX_AGE_MS',
    default: 1000,
    min: 0,
    max: 3_600_000,
    doc: 'Longest an answer is reused while no worker flush changed its data (0: no reuse; identical concurrent requests are still answered once)',
  }),
  apiFleetStaleMs: intSetting({
    env: 'MCPG_API_FLEET_STALE_MS',
    default: 1000,
    min: 0,
    max: 60_000,
    doc: 'Fleet endpoint only: while its answer is computed for new data, identical scrapes get the previous answer if it is younger than this (0: they wait for the new one)',
  }),
  apiLoadControl: boolSetting({
    env: 'MCPG_API_LOAD_CONTROL',
    default: true,
    doc: 'Answer reuse, coalescing and admission control in the API (false: every request runs its queries; for comparison)',
  }),
};

/** Payload capture's keys: the gateway seals with them, the query API opens with them (docs/operations.md, "Payload capture"). */
export const payloadKeySettings = {
  payloadKeystoreFile: stringSetting({
    env: 'MCPG_PAYLOAD_KEYSTORE_FILE',
    flag: 'payload-keystore',
    default: '',
    doc: 'Payload keystore (JSON, per-org data keys wrapped by the KEK; `mcpg keys payload rotate` writes it). Empty: payload capture and decrypt-on-view are off',
  }),
  payloadKekFile: stringSetting({
    env: 'MCPG_PAYLOAD_KEK_FILE',
    flag: 'payload-kek',
    default: '',
    doc: 'Key-encryption key file (`mcpg keys payload-kek` writes one; mount it as a secret). Needed with MCPG_PAYLOAD_KEYSTORE_FILE',
  }),
};

export const workerSettings = {
  workerGroup: stringSetting({
    env: 'MCPG_WORKER_GROUP',
    default: 'mcpg-rollup',
    pattern: /^[A-Za-z0-9._-]{1,200}$/,
    doc: 'Kafka consumer group of the rollup worker; instances with the same group share the partitions',
  }),
  rollupChunk: intSetting({
    env: 'MCPG_ROLLUP_CHUNK',
    default: 262_144,
    min: 1,
    max: 1 << 30,
    doc: 'Offsets per rollup chunk: a restarted worker re-reads at most this many messages per partition. Keep it fixed for a deployment (rows are keyed by chunk)',
  }),
  batchRows: intSetting({
    env: 'MCPG_WORKER_BATCH_ROWS',
    default: 20000,
    min: 1,
    max: 1_000_000,
    doc: 'A worker writes to ClickHouse once this many rows are buffered',
  }),
  rollupBatchRows: intSetting({
    env: 'MCPG_ROLLUP_BATCH_ROWS',
    default: 50_000,
    min: 1,
    max: 1_000_000,
    doc: 'The rollup worker writes to ClickHouse once this many calls are buffered (its own size: every flush rewrites the digest rows its calls touched, so larger flushes cost less per call)',
  }),
  flushMs: intSetting({
    env: 'MCPG_WORKER_FLUSH_MS',
    default: 250,
    min: 1,
    max: 60_000,
    doc: 'A worker writes buffered rows at least this often (milliseconds)',
  }),
  workerHttpHost: stringSetting({
    env: 'MCPG_WORKER_HTTP_HOST',
    default: '127.0.0.1',
    doc: 'Address a standalone worker serves /healthz, /readyz and /metrics on',
  }),
  workerHttpPort: intSetting({
    env: 'MCPG_WORKER_HTTP_PORT',
    default: 9091,
    min: 0,
    max: 65535,
    doc: 'Port of a standalone worker\'s /healthz, /readyz and /metrics (0: no server)',
  }),
};

export const simSettings = {
  simRate: numberSetting({
    env: 'MCPG_SIM_RATE',
    flag: 'rate',
    default: 200,
    min: 0,
    max: 1_000_000,
    doc: 'Simulated tool calls per second (0 turns the simulator off in mcpg up)',
  }),
  simDuration: numberSetting({
    env: 'MCPG_SIM_DURATION',
    flag: 'duration',
    default: 0,
    min: 0,
    max: 31_536_000,
    doc: 'Seconds the simulator runs; 0 means until stopped',
  }),
  simSeed: intSetting({ env: 'MCPG_SIM_SEED', flag: 'seed', default: 1, min: 0, max: 2 ** 31 - 1, doc: 'Seed of the simulated fleet and its traffic' }),
  simOrgs: listSetting({
    env: 'MCPG_SIM_ORGS',
    flag: 'orgs',
    default: ['default', 'acme', 'globex'],
    doc: 'Organisations the simulator sends for',
  }),
  simGateways: intSetting({ env: 'MCPG_SIM_GATEWAYS', flag: 'gateways', default: 12, min: 1, max: 10_000, doc: 'Simulated gateway instances' }),
  simTotal: intSetting({
    env: 'MCPG_SIM_TOTAL',
    flag: 'total',
    default: 0,
    min: 0,
    max: 2 ** 31 - 1,
    doc: 'Send exactly this many calls, then stop (0: rate and duration decide)',
  }),
  simAudit: boolSetting({
    env: 'MCPG_SIM_AUDIT',
    flag: 'audit',
    default: true,
    doc: 'Also send an AuditEvent per call (to mcpg.audit.v1)',
  }),
  simMalformedEvery: intSetting({
    env: 'MCPG_SIM_MALFORMED_EVERY',
    flag: 'malformed-every',
    default: 0,
    min: 0,
    max: 2 ** 31 - 1,
    doc: 'After every N-th call also send one malformed message, to exercise the dead-letter path (0: never)',
  }),
  simFaults: itemListSetting({
    env: 'MCPG_SIM_FAULTS',
    flag: 'faults',
    default: [],
    accepts: 'comma-separated plugin/tool=rate',
    parseItem: parseFault,
    doc: 'Inject incidents: these tools fail at the given rate (0–1) instead of their usual one, e.g. postgres/query=0.3',
  }),
};

export const localKafkaSettings = {
  kafkaPort: intSetting({
    env: 'MCPG_KAFKA_PORT',
    flag: 'kafka-port',
    default: 9092,
    min: 1,
    max: 65534,
    doc: 'Port of the local broker that `mcpg up` and `mcpg kafka start` run (controller on the next port)',
  }),
};

export const telemetrySettings = {
  logLevel: enumSetting({
    env: 'MCPG_LOG_LEVEL',
    flag: 'log-level',
    values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    default: 'info',
    doc: 'Log level',
  }),
  otlpPreset: enumSetting({
    env: 'MCPG_OTLP_PRESET',
    values: EXPORTER_PRESETS,
    default: 'custom',
    doc: 'Trace backend preset (endpoint template, protocol and required headers; see docs/operations.md "Tracing")',
  }),
  otlpProtocol: enumSetting({
    env: 'MCPG_OTLP_PROTOCOL',
    values: ['', ...OTLP_PROTOCOLS] as const,
    default: '',
    doc: 'OTLP protocol; empty: the preset\'s default (http/protobuf)',
  }),
  otlpEndpoint: stringSetting({
    env: 'MCPG_OTLP_ENDPOINT',
    default: '',
    pattern: /^(https?:\/\/.+)?$/,
    doc: 'OTLP traces endpoint: the full URL for http/protobuf (e.g. http://127.0.0.1:4318/v1/traces), http(s)://host:port for grpc; empty: the preset\'s, or no export with the custom preset',
  }),
  otlpRegion: stringSetting({
    env: 'MCPG_OTLP_REGION',
    default: '',
    doc: 'Region, realm or zone for presets whose endpoint has one (Splunk realm, Grafana Cloud zone, New Relic OTLP host)',
  }),
  otlpHeaders: stringSetting({
    env: 'MCPG_OTLP_HEADERS',
    default: '',
    secret: true,
    doc: 'Headers for the trace backend as name=value pairs separated by commas, values percent-encoded (e.g. api-key=…); secrets, never logged',
  }),
  traceSampleRate: numberSetting({ env: 'MCPG_TRACE_SAMPLE_RATE', default: 1, min: 0, max: 1, doc: 'Fraction of traces sampled where they start (a sampled caller\'s trace is always continued)' }),
  otelConfigFile: stringSetting({
    env: 'MCPG_OTEL_CONFIG_FILE',
    default: '',
    doc: 'YAML or JSON file with the tracing settings (preset, protocol, endpoint, region, headers, sampleRate); when set it replaces the MCPG_OTLP_* settings and is re-read on change, without a restart',
  }),
};

export const ledgerSettings = {
  ledgerGroup: stringSetting({
    env: 'MCPG_LEDGER_GROUP',
    default: 'mcpg-ledger',
    pattern: /^[A-Za-z0-9._-]{1,200}$/,
    doc: 'Kafka consumer group of the ledger worker (reading mcpg.audit.by-org.v1); its router, which copies mcpg.audit.v1 there, uses this name with -router appended',
  }),
  ledgerKeyFile: stringSetting({
    env: 'MCPG_LEDGER_KEY_FILE',
    flag: 'ledger-key-file',
    default: '',
    doc: 'File with the ledger signing keys (`mcpg keys generate`; one PRIVATE+KEY line per key, optional validity window); keep it mode 0600',
  }),
  ledgerKey: stringSetting({
    env: 'MCPG_LEDGER_KEY',
    default: '',
    secret: true,
    doc: 'The signing keys as text instead of a file (the same lines as the file)',
  }),
  ledgerSegmentRows: intSetting({
    env: 'MCPG_LEDGER_SEGMENT_ROWS',
    default: 1000,
    min: 1,
    max: 10_000_000,
    doc: 'A checkpoint is signed after this many rows of an org. Keep it fixed for a deployment: a rebuild must cut the same segments',
  }),
  ledgerSegmentSeconds: intSetting({
    env: 'MCPG_LEDGER_SEGMENT_SECONDS',
    default: 60,
    min: 1,
    max: 86_400,
    doc: 'A checkpoint is also signed when an event falls in a later bucket of this many seconds of event time (never the wall clock). Keep it fixed',
  }),
};

/** The analyst SQL endpoint (ClickHouse's HTTP interface, read-only, over the embedded engine). */
export const sqlSettings = {
  sqlListen: stringSetting({
    env: 'MCPG_SQL_LISTEN',
    flag: 'sql-listen',
    default: '',
    pattern: /^$|^[^\s:]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/,
    doc: 'host:port of the analyst SQL endpoint (ClickHouse HTTP interface, read-only, org-scoped; embedded engine only). Empty: off. `mcpg up` defaults to 127.0.0.1:8124',
  }),
  sqlMaxExecutionSeconds: intSetting({ env: 'MCPG_SQL_MAX_EXECUTION_SECONDS', default: 60, min: 1, max: 3_600, doc: 'An analyst query running longer is stopped (max_execution_time)' }),
  sqlMaxRowsToRead: intSetting({ env: 'MCPG_SQL_MAX_ROWS_TO_READ', default: 2_000_000_000, min: 1, max: Number.MAX_SAFE_INTEGER, doc: 'Rows one analyst query may read (max_rows_to_read)' }),
  sqlMaxBytesToRead: intSetting({ env: 'MCPG_SQL_MAX_BYTES_TO_READ', default: 100 * 2 ** 30, min: 1, max: Number.MAX_SAFE_INTEGER, doc: 'Bytes one analyst query may read (max_bytes_to_read)' }),
  sqlMaxResultRows: intSetting({ env: 'MCPG_SQL_MAX_RESULT_ROWS', default: 1_000_000, min: 1, max: Number.MAX_SAFE_INTEGER, doc: 'Rows one analyst query may return (max_result_rows)' }),
  sqlMaxResultBytes: intSetting({ env: 'MCPG_SQL_MAX_RESULT_BYTES', default: 128 * 2 ** 20, min: 1, max: Number.MAX_SAFE_INTEGER, doc: 'Bytes one analyst query may return, before formatting; the result is held in memory (max_result_bytes)' }),
  sqlMaxMemoryBytes: intSetting({ env: 'MCPG_SQL_MAX_MEMORY_BYTES', default: 2 ** 30, min: 1, max: Number.MAX_SAFE_INTEGER, doc: 'Memory one analyst query may use (max_memory_usage)' }),
  sqlConcurrentPerKey: intSetting({ env: 'MCPG_SQL_CONCURRENT_PER_KEY', default: 2, min: 1, max: 100, doc: 'Analyst queries one API key may run at once; more are refused (TOO_MANY_SIMULTANEOUS_QUERIES)' }),
};

export const retentionSettings = {
  retentionPlans: itemListSetting<RetentionPlan>({
    env: 'MCPG_RETENTION_PLANS',
    default: [],
    accepts: 'comma-separated name=samples/payloads/rollups_1m/rollups_1h/rollups_1d/audit (days, or years as 7y)',
    parseItem: parsePlanSpec,
    doc: 'Retention plans besides (or replacing) community, pro, team and enterprise, e.g. gold=60/30/90/1y/5y/7y (docs/operations.md "Retention")',
  }),
  orgPlans: itemListSetting<{ org: string; plan: string }>({
    env: 'MCPG_ORG_PLANS',
    default: [],
    accepts: 'comma-separated org=plan',
    parseItem: parseOrgPlan,
    doc: 'Plans of named orgs, e.g. acme=team,globex=community; a plan set through PUT /v1/admin/orgs/{org}/plan takes precedence',
  }),
  defaultPlan: stringSetting({
    env: 'MCPG_DEFAULT_PLAN',
    default: DEFAULT_PLAN_NAME,
    pattern: /^[a-z][a-z0-9_-]{0,62}$/,
    doc: 'Retention plan of every org that has none in MCPG_ORG_PLANS or through the admin API',
  }),
};

/** The plan catalogue of a config holding retentionSettings; throws a ConfigError naming the setting. */
export function planCatalogue(config: { retentionPlans: readonly RetentionPlan[]; orgPlans: readonly { org: string; plan: string }[]; defaultPlan: string }): PlanCatalogue {
  try {
    return new PlanCatalogue({ plans: config.retentionPlans, orgPlans: config.orgPlans, defaultPlan: config.defaultPlan });
  } catch (e) {
    throw new ConfigError('INVALID_SETTING', (e as Error).message);
  }
}

/** Every shared setting, for the README table and its test. */
export const allSettings = {
  ...busSettings,
  ...localKafkaSettings,
  ...storeSettings,
  ...apiSettings,
  ...payloadKeySettings,
  ...sqlSettings,
  ...workerSettings,
  ...simSettings,
  ...telemetrySettings,
  ...ledgerSettings,
  ...retentionSettings,
};
