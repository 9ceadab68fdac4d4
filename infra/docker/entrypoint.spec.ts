// The image's entry point (infra/docker/entrypoint.sh), run with sh as the
// container would run it, against this checkout (MCPG_HOME): it starts the
// app it is asked for, and refuses to start one whose required settings are
// missing with one line naming each of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const entrypoint = join(root, 'infra/docker/entrypoint.sh');

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync('sh', [entrypoint, ...args], { cwd: '/', encoding: 'utf8', env: { PATH: process.env.PATH, MCPG_HOME: root, ...env }, timeout: 60_000 });
}

test('the entry point knows every app under apps/', () => {
  const known = /^apps="([^"]+)"/m.exec(readFileSync(entrypoint, 'utf8'))![1]!.split(' ').sort();
  assert.deepEqual(known, readdirSync(join(root, 'apps')).sort());
});

test('it starts the app it is asked for (the CLI here)', () => {
  const r = run(['mcpg', '--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^mcpg — observability pipeline/);
  assert.match(r.stdout, /migrate/);
});

test('an unknown app is refused with the list of apps', () => {
  const r = run(['rollup']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown app "rollup"; one of: mcpg gateway rollup-worker ledger-worker query-api fleet-sim/);
});

test('a worker without its settings exits naming every missing variable', () => {
  const r = run(['rollup-worker']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim(), 'mcpg-entrypoint: rollup-worker cannot start: required variable(s) not set: MCPG_KAFKA_BROKERS MCPG_CLICKHOUSE_URL');
  const migrate = run(['mcpg', 'migrate']);
  assert.equal(migrate.status, 2);
  assert.match(migrate.stderr, /mcpg cannot start: required variable\(s\) not set: MCPG_CLICKHOUSE_URL$/m);
});

test('MCPG_REQUIRED_ENV adds variables that must not be empty (an empty .env value counts as missing)', () => {
  const r = run(['query-api'], { MCPG_CLICKHOUSE_URL: 'http://clickhouse:8123', MCPG_CLICKHOUSE_PASSWORD: '', MCPG_REQUIRED_ENV: 'MCPG_CLICKHOUSE_PASSWORD,MCPG_API_CURSOR_SECRET' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /query-api cannot start: required variable\(s\) not set: MCPG_CLICKHOUSE_PASSWORD MCPG_API_CURSOR_SECRET$/m);
  const bad = run(['query-api'], { MCPG_CLICKHOUSE_URL: 'x', MCPG_REQUIRED_ENV: 'A;rm -rf /' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /invalid variable name: A;rm/);
});

test('the ledger worker needs a signing key it can read; the gateway a configuration file', () => {
  const base = { MCPG_KAFKA_BROKERS: 'kafka:9092', MCPG_CLICKHOUSE_URL: 'http://clickhouse:8123' };
  const none = run(['ledger-worker'], base);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /not set: MCPG_LEDGER_KEY_FILE\(or MCPG_LEDGER_KEY\)$/m);
  const unreadable = run(['ledger-worker'], { ...base, MCPG_LEDGER_KEY_FILE: '/run/secrets/no-such-key' });
  assert.equal(unreadable.status, 2);
  assert.match(unreadable.stderr, /MCPG_LEDGER_KEY_FILE=\/run\/secrets\/no-such-key is not readable/);
  const gateway = run(['gateway']);
  assert.match(gateway.stderr, /gateway cannot start: required variable\(s\) not set: MCPG_GATEWAY_CONFIG$/m);
  const noFile = run(['gateway'], { MCPG_GATEWAY_CONFIG: '/etc/mcpg/missing.yaml' });
  assert.equal(noFile.status, 2);
  assert.match(noFile.stderr, /MCPG_GATEWAY_CONFIG=\/etc\/mcpg\/missing.yaml is not a readable file/);
});
