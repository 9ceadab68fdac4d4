// docker-compose.yml, checked by Debian's docker-compose (no engine needed for
// `config`): it must parse and resolve, and refuse to start without the
// ClickHouse password, which lives only in the environment or .env.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

// The example env file stands in for a local .env, which is never committed.
function compose(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync('docker-compose', ['--env-file', '.env.example', ...args], { cwd: root, encoding: 'utf8', env });
  if (r.error) assert.fail(`docker-compose is not installed (apt-get install docker-compose): ${r.error.message}`);
  return r;
}

const base = { PATH: process.env.PATH };

test('docker-compose accepts the file and lists every service', () => {
  const check = compose(['config', '-q'], { ...base, MCPG_CLICKHOUSE_PASSWORD: 'x' });
  assert.equal(check.status, 0, check.stderr);
  const services = compose(['--profile', 'demo', 'config', '--services'], { ...base, MCPG_CLICKHOUSE_PASSWORD: 'x' });
  assert.deepEqual(services.stdout.trim().split('\n').sort(), ['clickhouse', 'fleet-sim', 'kafka', 'migrate', 'query-api', 'rollup-worker']);
});

test('no secret is written in the file: without MCPG_CLICKHOUSE_PASSWORD it refuses', () => {
  const empty = join(mkdtempSync(join(tmpdir(), 'mcpg-compose-')), 'empty.env');
  writeFileSync(empty, '');
  const r = spawnSync('docker-compose', ['--env-file', empty, 'config', '-q'], { cwd: root, encoding: 'utf8', env: base });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /MCPG_CLICKHOUSE_PASSWORD/);
});
