import assert from 'node:assert/strict';
import { test } from 'node:test';
// @ts-expect-error plain ESM helper of the test command, without types
import { missingPackages, SYSTEM_DEPS } from './system-deps.mjs';

test('a command that is not on PATH is reported by the package that provides it', () => {
  assert.deepEqual(missingPackages([['node', 'nodejs'], ['mcpg-no-such-command', 'some-package']]), ['some-package']);
});

test('the list covers what the specs drive: the broker, rules, deployments, certificates and the browser', () => {
  const commands = (SYSTEM_DEPS as [string, string][]).map(([cmd]) => cmd);
  for (const cmd of ['java', 'mvn', 'promtool', 'amtool', 'docker-compose', 'kubectl', 'openssl', 'chromium']) {
    assert.ok(commands.includes(cmd), `${cmd} is missing from tools/system-deps.mjs`);
  }
});
