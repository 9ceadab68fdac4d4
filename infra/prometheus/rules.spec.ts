// The shipped Prometheus and Alertmanager configuration, checked by the real
// tools (Debian packages prometheus and prometheus-alertmanager): syntax, and
// the alert rules' unit tests in tests/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

const here = new URL('.', import.meta.url).pathname;
const infra = new URL('..', import.meta.url).pathname;

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.error) assert.fail(`${cmd} is not installed (apt-get install prometheus prometheus-alertmanager): ${r.error.message}`);
  return r;
}

test('promtool accepts the scrape config and the rules', () => {
  const r = run('promtool', ['check', 'config', 'prometheus.yml'], here);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /6 rules found/);
});

test('the alert rules pass their unit tests (promtool test rules)', () => {
  const r = run('promtool', ['test', 'rules', 'tests/mcpg.rules.test.yml'], here);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /SUCCESS/);
});

test('amtool accepts the Alertmanager config', () => {
  const r = run('amtool', ['check-config', 'alertmanager/alertmanager.yml'], infra);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
