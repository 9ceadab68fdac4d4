// docker-compose.yml, checked by Debian's docker-compose (no engine needed for
// `config`): it must parse and resolve; refuse to start, naming the variable,
// when a required one is missing; and wire the stack the way the apps, the
// ClickHouse users file and the Prometheus config expect.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig, planCatalogue, retentionSettings, workerSettings } from '@mcpg/config';

const root = new URL('../..', import.meta.url).pathname;
const exampleEnv = readFileSync(join(root, '.env.example'), 'utf8');

// Only PATH from this process: a developer's own MCPG_* variables must not leak into the checks.
const base = { PATH: process.env.PATH };

function compose(envFile: string, args: string[]) {
  const r = spawnSync('docker-compose', ['--env-file', envFile, ...args], { cwd: root, encoding: 'utf8', env: base });
  if (r.error) assert.fail(`docker-compose is not installed (apt-get install docker-compose): ${r.error.message}`);
  return r;
}

const envDir = mkdtempSync(join(tmpdir(), 'mcpg-compose-'));
after(() => rmSync(envDir, { recursive: true, force: true }));

function envFileWithout(name: string): string {
  const path = join(envDir, `without-${name}.env`);
  writeFileSync(path, exampleEnv.split('\n').filter((l) => !l.startsWith(`${name}=`)).join('\n'));
  return path;
}

interface Service {
  image?: string;
  command?: string[];
  restart?: string;
  healthcheck?: { test: string[] };
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  depends_on?: Record<string, { condition: string }>;
  secrets?: { source: string }[];
  user?: string;
}

// The example env file stands in for a local .env, which is never committed.
const resolved = (() => {
  const r = compose('.env.example', ['--profile', 'demo', 'config']);
  assert.equal(r.status, 0, r.stderr);
  return parse(r.stdout) as { services: Record<string, Service>; volumes: Record<string, unknown>; secrets: Record<string, { file: string }> };
})();
const services = resolved.services;
const APP_SERVICES = ['migrate', 'gateway', 'rollup-worker', 'ledger-worker', 'query-api', 'fleet-sim'];

test('docker-compose accepts the file and lists every service of the stack', () => {
  const check = compose('.env.example', ['config', '-q']);
  assert.equal(check.status, 0, check.stderr);
  assert.deepEqual(Object.keys(services).sort(), [
    'alertmanager',
    'clickhouse',
    'fleet-sim',
    'gateway',
    'grafana',
    'kafka',
    'kafka-topics',
    'ledger-worker',
    'migrate',
    'prometheus',
    'query-api',
    'rollup-worker',
  ]);
  // The simulator is opt-in (docker compose --profile demo up).
  assert.deepEqual(services['fleet-sim']!.profiles, ['demo']);
  for (const [name, s] of Object.entries(services)) if (name !== 'fleet-sim') assert.equal(s.profiles, undefined, name);
});

for (const name of ['MCPG_CLICKHOUSE_PASSWORD', 'CLICKHOUSE_ANALYST_PASSWORD', 'GRAFANA_ADMIN_PASSWORD', 'LEDGER_KEY_PATH']) {
  test(`without ${name} docker-compose refuses to start and names it`, () => {
    const r = compose(envFileWithout(name), ['config', '-q']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`set ${name} in \\.env`));
  });
}

test('no secret is written in the file: every password and key comes from the environment', () => {
  const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z_]*(PASSWORD|SECRET|KEYS?))\s*:\s*(.*)$/.exec(line);
    if (m) assert.match(m[3]!, /^\$\{[A-Z_]+:?[-?]/, `${m[1]} must come from the environment: ${line.trim()}`);
  }
  assert.ok(!/BEGIN|PRIVATE\+KEY/.test(text));
});

test('every app runs from the mcpg image, reaches ClickHouse over HTTP and names an app the entry point knows', () => {
  const known = /^apps="([^"]+)"/m.exec(readFileSync(join(root, 'infra/docker/entrypoint.sh'), 'utf8'))![1]!.split(' ');
  for (const name of APP_SERVICES) {
    const s = services[name]!;
    assert.equal(s.image, 'mcpg:local', name);
    assert.ok(known.includes(s.command![0]!), `${name}: ${s.command![0]} is not an app of the entry point`);
    const env = s.environment ?? {};
    if ('MCPG_CLICKHOUSE_PASSWORD' in env) {
      assert.equal(env.MCPG_CLICKHOUSE_URL, 'http://clickhouse:8123', name);
      assert.equal(env.MCPG_CLICKHOUSE_USER, 'mcpg', name);
      assert.match(String(env.MCPG_REQUIRED_ENV), /MCPG_CLICKHOUSE_PASSWORD/, name);
    }
  }
  for (const name of ['migrate', 'rollup-worker', 'ledger-worker', 'query-api']) {
    assert.ok('MCPG_CLICKHOUSE_PASSWORD' in (services[name]!.environment ?? {}), `${name} needs ClickHouse`);
  }
  assert.deepEqual(services.migrate!.command, ['mcpg', 'migrate']);
  // Migrations and topics run once, before the apps that need them.
  for (const name of ['rollup-worker', 'ledger-worker']) {
    assert.equal(services[name]!.depends_on!.migrate!.condition, 'service_completed_successfully');
    assert.equal(services[name]!.depends_on!['kafka-topics']!.condition, 'service_completed_successfully');
  }
  assert.equal(services['query-api']!.depends_on!.migrate!.condition, 'service_completed_successfully');
  assert.equal(services.gateway!.depends_on!['kafka-topics']!.condition, 'service_completed_successfully');
});

test('the ledger signing key is a mounted secret file, never an environment value', () => {
  const s = services['ledger-worker']!;
  assert.deepEqual(s.secrets!.map((x) => x.source), ['ledger-signing-key']);
  assert.equal(s.environment!.MCPG_LEDGER_KEY_FILE, '/run/secrets/ledger-signing-key');
  assert.ok(!('MCPG_LEDGER_KEY' in s.environment!));
  assert.equal(resolved.secrets['ledger-signing-key']!.file, join(root, 'secrets/ledger-signing.key'));
});

test('long-running services restart; one-shots do not; every HTTP service has a health check', () => {
  for (const [name, s] of Object.entries(services)) {
    if (name === 'migrate' || name === 'kafka-topics') assert.equal(s.restart, 'no', name);
    else assert.ok(['unless-stopped', 'on-failure', 'always'].includes(s.restart ?? ''), `${name} has no restart policy`);
  }
  for (const name of ['kafka', 'clickhouse', 'gateway', 'rollup-worker', 'ledger-worker', 'query-api', 'prometheus', 'alertmanager', 'grafana']) {
    assert.ok(services[name]!.healthcheck?.test.length, `${name} has no health check`);
  }
  for (const name of ['query-api', 'rollup-worker', 'ledger-worker']) assert.match(services[name]!.healthcheck!.test.join(' '), /\/readyz/, name);
  // The API's check asks its health listener (answered off the API's event loop), where it is told to listen.
  const apiHealth = /^(.+):(\d+)$/.exec(String(services['query-api']!.environment!.MCPG_API_HEALTH_LISTEN))!;
  assert.match(services['query-api']!.healthcheck!.test.join(' '), new RegExp(`http://127\\.0\\.0\\.1:${apiHealth[2]}/readyz`));
  // The workers serve their probes on every interface of their container, where Prometheus finds them.
  for (const name of ['rollup-worker', 'ledger-worker']) assert.equal(services[name]!.environment!.MCPG_WORKER_HTTP_HOST, '0.0.0.0', name);
});

test('state lives in named volumes; every file mounted from the repository exists', () => {
  const named = new Set(Object.keys(resolved.volumes));
  for (const v of ['kafka-data', 'clickhouse-data', 'gateway-data', 'prometheus-data', 'alertmanager-data', 'grafana-data']) assert.ok(named.has(v), v);
  for (const [name, s] of Object.entries(services)) {
    for (const volume of s.volumes ?? []) {
      const source = volume.split(':')[0]!;
      if (isAbsolute(source)) assert.ok(existsSync(source), `${name} mounts ${source}, which does not exist`);
      else assert.ok(named.has(source), `${name} mounts an undeclared volume ${source}`);
    }
  }
  assert.ok(services.kafka!.volumes!.includes('kafka-data:/var/lib/kafka/data:rw'));
  assert.equal(services.kafka!.environment!.KAFKA_LOG_DIRS, '/var/lib/kafka/data');
});

test('published ports bind to this host only unless BIND_ADDRESS says otherwise', () => {
  for (const [name, s] of Object.entries(services)) {
    for (const p of s.ports ?? []) assert.match(p, /^127\.0\.0\.1:/, `${name} publishes ${p}`);
  }
});

test('ClickHouse reads exactly the passwords compose passes it, from the environment', () => {
  const users = readFileSync(join(root, 'infra/clickhouse/users.d/mcpg.xml'), 'utf8');
  const fromEnv = [...users.matchAll(/<password from_env="([A-Z_]+)"\/>/g)].map((m) => m[1]).sort();
  assert.deepEqual(fromEnv, ['CLICKHOUSE_ANALYST_PASSWORD', 'MCPG_CLICKHOUSE_PASSWORD']);
  const env = services.clickhouse!.environment!;
  for (const name of fromEnv) assert.ok(env[name!], `${name} is not passed to the clickhouse service`);
  assert.equal(String(env.CLICKHOUSE_SKIP_USER_SETUP), '1');
  // Every other value the users file reads from the environment (the analyst's orgs) is passed too.
  for (const m of users.matchAll(/<(\w+) from_env="([A-Z_]+)"\/>/g)) assert.ok(env[m[2]!] !== undefined, `${m[1]} reads ${m[2]}, which is not passed to the clickhouse service`);
  // The user the apps log in as is the one the file defines.
  assert.match(users, /<mcpg>[\s\S]*<\/mcpg>/);
  assert.ok(!/<password>[^<]/.test(users), 'no literal password in the users file');
});

test('the analyst user reads the apps\' database and a few harmless system tables, nothing that shows other users, and no external source', () => {
  const users = readFileSync(join(root, 'infra/clickhouse/users.d/mcpg.xml'), 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const analyst = /<analyst>([\s\S]*?)<\/analyst>/.exec(users)![1]!;
  const grants = [...analyst.matchAll(/<query(?: from_env="([A-Z_]+)")?(?:\/>|>([^<]*)<\/query>)/g)].map((m) =>
    m[1] ? String(services.clickhouse!.environment![m[1]]) : m[2]!,
  );
  const database = String(services['query-api']!.environment!.MCPG_CLICKHOUSE_DATABASE);
  assert.equal(grants[0], `GRANT SELECT ON ${database}.*`, 'the apps\' database, named as compose names it');
  const harmless = new Set(['one', 'numbers', 'numbers_mt', 'zeros', 'functions', 'table_functions', 'formats', 'data_type_families', 'time_zones', 'settings']);
  for (const g of grants.slice(1)) {
    if (g === 'GRANT CREATE TEMPORARY TABLE ON *.*') continue;
    const m = /^GRANT SELECT ON system\.([a-z_]+)$/.exec(g);
    assert.ok(m && harmless.has(m[1]!), `the analyst is granted ${g}`);
  }
  assert.ok(!grants.some((g) => /SOURCES|\b(FILE|URL|S3|REMOTE|MYSQL|POSTGRES)\b|ON \*\.\*$/.test(g) && g !== 'GRANT CREATE TEMPORARY TABLE ON *.*'), 'no external source');
  // Without this, a user reads every system table whatever it was granted.
  const config = readFileSync(join(root, 'infra/clickhouse/config.d/mcpg.xml'), 'utf8');
  assert.match(config, /<access_control_improvements>[\s\S]*<select_from_system_db_requires_grant>true<\/select_from_system_db_requires_grant>[\s\S]*<\/access_control_improvements>/);
  assert.match(config, /<select_from_information_schema_requires_grant>true</);
});

test('Prometheus gets the shipped config and rules, and its targets are services of this stack', () => {
  const mounts = services.prometheus!.volumes!;
  assert.ok(mounts.some((m) => m.startsWith(join(root, 'infra/prometheus/prometheus.yml') + ':/etc/prometheus/prometheus.yml')));
  assert.ok(mounts.some((m) => m.startsWith(join(root, 'infra/prometheus/rules') + ':/etc/prometheus/rules')));
  const prom = parse(readFileSync(join(root, 'infra/prometheus/prometheus.yml'), 'utf8')) as {
    rule_files: string[];
    scrape_configs: { static_configs: { targets: string[] }[] }[];
    alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  };
  assert.deepEqual(prom.rule_files, ['rules/mcpg.rules.yml']);
  const targets = [
    ...prom.scrape_configs.flatMap((j) => j.static_configs.flatMap((c) => c.targets)),
    ...prom.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets)),
  ];
  const gatewayConfig = parse(readFileSync(join(root, 'infra/gateway/gateway.yaml'), 'utf8')) as { metrics: { port: number } };
  const ports: Record<string, string> = {
    'query-api': String(services['query-api']!.environment!.MCPG_API_PORT),
    gateway: String(gatewayConfig.metrics.port),
    alertmanager: '9093',
    // The workers serve on the MCPG_WORKER_HTTP_PORT default.
    'rollup-worker': String(workerSettings.workerHttpPort.default),
    'ledger-worker': String(workerSettings.workerHttpPort.default),
  };
  for (const t of targets) {
    const [host, port] = t.split(':');
    assert.ok(host! in services, `Prometheus target ${t} is not a compose service`);
    assert.equal(port, ports[host!], `Prometheus target ${t}`);
  }
});

test('Grafana is provisioned from infra/grafana and its datasource points at the Prometheus service', () => {
  const g = services.grafana!;
  assert.ok(g.volumes!.some((m) => m.startsWith(join(root, 'infra/grafana/provisioning') + ':/etc/grafana/provisioning')));
  assert.equal(g.environment!.PROMETHEUS_URL, 'http://prometheus:9090');
  const home = String(g.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH);
  const dashboards = g.volumes!.find((m) => m.includes(':/etc/grafana/dashboards/mcpg'))!.split(':')[0]!;
  assert.ok(existsSync(join(dashboards, home.replace('/etc/grafana/dashboards/mcpg/', ''))), `home dashboard ${home} is not in ${dashboards}`);
});

test('.env.example documents every variable the file reads, and nothing else', () => {
  const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8').split('\n').filter((l) => !l.trim().startsWith('#')).join('\n');
  const used = new Set([...text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!));
  const documented = new Set([...exampleEnv.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
  assert.deepEqual([...used].sort(), [...documented].sort());
  // Each has a comment above it or in its group.
  assert.ok(exampleEnv.split('\n').filter((l) => l.startsWith('#')).length >= documented.size / 2);
});

test('every app that stamps, answers or prunes by retention plans gets the same plan settings, and they load', () => {
  const keys = ['MCPG_RETENTION_PLANS', 'MCPG_ORG_PLANS', 'MCPG_DEFAULT_PLAN'] as const;
  const of = (name: string) => Object.fromEntries(keys.map((k) => [k, String(services[name]!.environment?.[k] ?? '')]));
  for (const name of ['migrate', 'rollup-worker', 'ledger-worker', 'query-api']) {
    for (const k of keys) assert.ok(k in (services[name]!.environment ?? {}), `${name} does not set ${k}`);
    assert.deepEqual(of(name), of('query-api'), name);
  }
  const catalogue = planCatalogue(loadConfig(retentionSettings, { env: of('query-api'), argv: [] }));
  assert.equal(catalogue.defaultPlan.name, 'enterprise', 'what every org had before plans');
  // An operator's .env names plans and orgs: the services get them as given.
  const path = join(envDir, 'plans.env');
  writeFileSync(path, `${exampleEnv}\nMCPG_RETENTION_PLANS=gold=60/30/90/1y/5y/7y\nMCPG_ORG_PLANS=acme=gold\nMCPG_DEFAULT_PLAN=community\n`);
  const r = compose(path, ['config']);
  assert.equal(r.status, 0, r.stderr);
  const env = (parse(r.stdout) as { services: Record<string, Service> }).services['ledger-worker']!.environment!;
  const custom = planCatalogue(loadConfig(retentionSettings, { env: Object.fromEntries(keys.map((k) => [k, String(env[k])])), argv: [] }));
  assert.equal(custom.configured('acme').plan.days.rollups_1h, 366);
  assert.equal(custom.configured('initech').plan.name, 'community');
});

test('every MCPG_ variable the services set is a setting some app reads', () => {
  const known = new Set(['MCPG_REQUIRED_ENV']); // read by the image's entry point
  for (const m of readFileSync(join(root, 'README.md'), 'utf8').matchAll(/^\| `(MCPG_[A-Z0-9_]+)`/gm)) known.add(m[1]!);
  for (const m of readFileSync(join(root, 'libs/gateway/src/settings.ts'), 'utf8').matchAll(/env: '(MCPG_[A-Z0-9_]+)'/g)) known.add(m[1]!);
  for (const [name, s] of Object.entries(services)) {
    for (const key of Object.keys(s.environment ?? {})) if (key.startsWith('MCPG_')) assert.ok(known.has(key), `${name} sets ${key}, which no app reads`);
  }
});

/** Element names of an XML document, checked for balance (comments and declarations skipped). */
function xmlElements(text: string): { path: string; attrs: string }[] {
  const stack: string[] = [];
  const out: { path: string; attrs: string }[] = [];
  for (const m of text.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([A-Za-z_][\w.-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, attrs, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      assert.equal(open, name, `</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    out.push({ path: [...stack, name].join('/'), attrs: attrs! });
    if (!selfClosing) stack.push(name!);
  }
  assert.deepEqual(stack, [], 'unclosed elements');
  return out;
}

test('the ClickHouse config and users files are well-formed, and every user has a profile that exists', () => {
  const config = xmlElements(readFileSync(join(root, 'infra/clickhouse/config.d/mcpg.xml'), 'utf8'));
  assert.ok(config.every((e) => e.path.startsWith('clickhouse')));
  const usersText = readFileSync(join(root, 'infra/clickhouse/users.d/mcpg.xml'), 'utf8');
  const users = xmlElements(usersText);
  const profiles = new Set(users.filter((e) => /^clickhouse\/profiles\/[^/]+$/.test(e.path)).map((e) => e.path.split('/')[2]));
  for (const m of usersText.matchAll(/<profile>([^<]+)<\/profile>/g)) assert.ok(profiles.has(m[1]!), `profile ${m[1]} is not defined`);
  const defined = users.filter((e) => /^clickhouse\/users\/[^/]+$/.test(e.path)).map((e) => e.path.split('/')[2]);
  assert.deepEqual(defined, ['default', 'mcpg', 'analyst']);
});
