import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, markdownTable } from './load-config.ts';
import { busSettings, storeSettings, apiSettings } from './settings.ts';

const spec = { ...busSettings, ...storeSettings, ...apiSettings };

test('defaults apply when nothing is set', () => {
  const c = loadConfig(spec, { env: {} });
  assert.equal(c.bus, 'kafka');
  assert.deepEqual(c.kafkaBrokers, ['127.0.0.1:9092']);
  assert.equal(c.apiPort, 7843);
  assert.equal(c.clickhouseUrl, '');
});

test('a flag wins over its variable, which wins over the default', () => {
  const c = loadConfig(spec, { env: { MCPG_API_PORT: '8000', MCPG_BUS: 'memory' }, argv: ['--port', '9000'] });
  assert.equal(c.apiPort, 9000);
  assert.equal(c.bus, 'memory');
  const d = loadConfig(spec, { argv: ['--bus=memory', '--kafka-brokers', 'a:1, b:2'] });
  assert.equal(d.bus, 'memory');
  assert.deepEqual(d.kafkaBrokers, ['a:1', 'b:2']);
});

test('an invalid value fails fast naming the setting', () => {
  assert.throws(
    () => loadConfig(spec, { env: { MCPG_API_PORT: '70000' } }),
    (e: unknown) => e instanceof ConfigError && e.code === 'INVALID_SETTING' && /MCPG_API_PORT/.test(e.message),
  );
  assert.throws(
    () => loadConfig(spec, { argv: ['--bus', 'rabbit'] }),
    (e: unknown) => e instanceof ConfigError && /--bus/.test(e.message) && /kafka, memory/.test(e.message),
  );
  assert.throws(
    () => loadConfig(spec, { env: { MCPG_CLICKHOUSE_URL: 'ftp://x' } }),
    (e: unknown) => e instanceof ConfigError && /MCPG_CLICKHOUSE_URL/.test(e.message),
  );
});

test('unknown flags and flags without values are refused', () => {
  assert.throws(() => loadConfig(spec, { argv: ['--nope', '1'] }), (e: unknown) => e instanceof ConfigError && e.code === 'UNKNOWN_FLAG');
  assert.throws(() => loadConfig(spec, { argv: ['--port'] }), (e: unknown) => e instanceof ConfigError && e.code === 'MISSING_FLAG_VALUE');
});

test('a secret never appears in an error', () => {
  const secretSpec = { pw: { ...storeSettings.clickhousePassword, parse: () => ({ ok: false as const, reason: 'bad' }) } };
  assert.throws(
    () => loadConfig(secretSpec, { env: { MCPG_CLICKHOUSE_PASSWORD: 'hunter2' } }),
    (e: unknown) => e instanceof ConfigError && !e.message.includes('hunter2') && e.message.includes('***'),
  );
});

test('the markdown table lists every variable', () => {
  const table = markdownTable(spec);
  for (const s of Object.values(spec)) assert.ok(table.includes(s.env), s.env);
});
