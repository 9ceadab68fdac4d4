// The gateway process refuses to start on an invalid configuration and says
// which setting is wrong; the shipped example configuration is valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile } from '@mcpg/gateway';

const root = fileURLToPath(new URL('..', import.meta.url));
const main = join(root, 'apps/gateway/src/main.ts');

test('an invalid configuration file: the gateway exits with status 2 naming each bad setting', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcpg-gateway-config-'));
  try {
    const file = join(dir, 'gateway.yaml');
    await writeFile(file, 'upstreams:\n  - name: github\n    command: github-mcp\n    timeoutMs: -5\nevents:\n  spool:\n    overflow: drop-everything\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', main, '--config', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /upstreams\[0\]\.timeoutMs: must be an integer/);
    assert.match(r.stderr, /events\.spool\.overflow: must be one of drop-oldest, drop-newest/);
    const missing = spawnSync(process.execPath, ['--import', 'tsx', main, '--config', join(dir, 'nope.yaml')], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read the gateway configuration/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the example configuration in infra/gateway is valid', async () => {
  const c = await loadConfigFile(join(root, 'infra/gateway/gateway.example.yaml'));
  assert.deepEqual(c.upstreams.map((u) => `${u.name}:${u.kind}`), ['files:stdio', 'search:http']);
  assert.equal(c.policy.rules[1]?.obligations?.maxResponseBytes, 65536);
});
