import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../errors.ts';
import { parseConfigText } from './load-config-file.ts';
import { validateConfig } from './validate-config.ts';

const KEY = { id: 'ci', sha256: 'a'.repeat(64), org: 'acme' };
const minimal = { upstreams: [{ name: 'github', command: 'github-mcp' }] };

function problems(doc: unknown): string {
  try {
    validateConfig(doc);
  } catch (e) {
    assert.ok(e instanceof GatewayError);
    assert.equal(e.code, 'INVALID_CONFIG');
    return e.message;
  }
  assert.fail('expected the configuration to be refused');
}

test('a minimal file gets documented defaults', () => {
  const c = validateConfig(minimal);
  assert.equal(c.listen.port, 8930);
  assert.equal(c.listen.path, '/mcp');
  assert.equal(c.metrics.port, 9090);
  assert.equal(c.policy.defaultEffect, 'permit');
  assert.equal(c.events.spool.overflow, 'drop-oldest');
  assert.deepEqual(c.kafka.topics, { calls: 'mcpg.calls.v1', audit: 'mcpg.audit.v1' });
  assert.deepEqual(c.upstreams[0], { name: 'github', kind: 'stdio', command: 'github-mcp', args: [], env: {}, cwd: undefined, timeoutMs: 30_000, connectTimeoutMs: 30_000 });
});

test('every invalid setting is named by its path, all in one report', () => {
  const message = problems({
    listen: { port: 70_000 },
    upstreams: [{ name: 'git_hub', command: 'x' }, { name: 'web', url: 'ftp://nope' }, { name: 'both', command: 'x', url: 'http://a' }, { name: 'none' }],
    apiKeys: [{ ...KEY, sha256: 'not-a-digest' }],
    policy: { rules: [{ id: 'r1', effect: 'deny', servers: ['nowhere'], obligations: { redactResponse: true } }, { id: 'r2' }] },
    events: { spool: { overflow: 'drop-some' } },
    limits: { maxArgumentBytes: 'big' },
    colour: 'blue',
  });
  for (const setting of [
    'listen.port',
    'upstreams[0].name',
    'upstreams[1].url',
    'upstreams[2]: set either command',
    'upstreams[3]: needs command',
    'apiKeys[0].sha256',
    'policy.rules[0].servers[0]',
    'policy.rules[0].obligations',
    'policy.rules[1].effect',
    'events.spool.overflow',
    'limits.maxArgumentBytes',
    'colour: unknown setting',
  ]) {
    assert.ok(message.includes(setting), `names ${setting}:\n${message}`);
  }
});

test('duplicates and an empty upstream list are refused', () => {
  assert.match(problems({ upstreams: [] }), /upstreams: at least one upstream/);
  assert.match(problems({ upstreams: [{ name: 'a', command: 'x' }, { name: 'a', command: 'y' }] }), /upstreams\[1\]\.name: duplicate "a"/);
  assert.match(problems({ ...minimal, apiKeys: [KEY, { ...KEY, id: 'other' }] }), /apiKeys\[1\]\.sha256: duplicate/);
});

test('YAML and JSON files; a syntax error names the file', () => {
  const yaml = 'upstreams:\n  - name: web\n    url: https://mcp.example.com/mcp\n    headers:\n      x-team: core\n';
  const c = parseConfigText(yaml, 'gateway.yaml');
  assert.deepEqual(c.upstreams[0], { name: 'web', kind: 'http', url: 'https://mcp.example.com/mcp', headers: { 'x-team': 'core' }, timeoutMs: 30_000, connectTimeoutMs: 30_000 });
  assert.equal(parseConfigText(JSON.stringify(minimal), 'gateway.json').upstreams[0]?.name, 'github');
  assert.throws(() => parseConfigText('{"upstreams": [', 'gateway.json'), /gateway\.json is not valid JSON/);
  assert.throws(() => parseConfigText('upstreams: [\n  - a: b\n', 'gw.yaml'), /gw\.yaml is not valid YAML/);
});

test('kafka.tls and kafka.sasl: read when present, every mistake named', () => {
  const plain = validateConfig(minimal);
  assert.equal(plain.kafka.tls, undefined);
  assert.equal(plain.kafka.sasl, undefined);
  const secured = validateConfig({
    ...minimal,
    kafka: { brokers: ['kafka:9093'], tls: { caFile: '/etc/kafka/ca.crt' }, sasl: { mechanism: 'scram-sha-512', username: 'mcpg-gateway', passwordFile: '/etc/kafka/password' } },
  });
  assert.deepEqual(secured.kafka.tls, { caFile: '/etc/kafka/ca.crt', certFile: '', keyFile: '' });
  assert.deepEqual(secured.kafka.sasl, { mechanism: 'scram-sha-512', username: 'mcpg-gateway', passwordFile: '/etc/kafka/password' });
  assert.deepEqual(validateConfig({ ...minimal, kafka: { tls: true } }).kafka.tls, { caFile: '', certFile: '', keyFile: '' });

  const text = problems({ ...minimal, kafka: { tls: { certFile: '/c.pem', ca: 'x' }, sasl: { mechanism: 'gssapi', username: 'u', password: 'inline' } } });
  assert.match(text, /kafka\.tls\.ca: unknown setting/);
  assert.match(text, /kafka\.tls: certFile and keyFile go together/);
  assert.match(text, /kafka\.sasl\.mechanism: invalid value "gssapi"/);
  assert.match(text, /kafka\.sasl\.password: unknown setting/);
  assert.match(text, /kafka\.sasl\.passwordFile: required/);
  assert.doesNotMatch(text, /inline/, 'an inline password is not echoed');
});

test('limits.maxArgumentBytes stops below what an HTTP request can carry', () => {
  assert.equal(validateConfig({ ...minimal, limits: { maxArgumentBytes: 4 * 1024 * 1024 - 64 * 1024 } }).limits.maxArgumentBytes, 4_128_768);
  assert.match(problems({ ...minimal, limits: { maxArgumentBytes: 8 * 1024 * 1024 } }), /limits\.maxArgumentBytes: .*4128768/);
});

test('capture: off by default; rules read with defaults; every mistake named', () => {
  assert.deepEqual(validateConfig(minimal).capture.rules, []);
  const c = validateConfig({ ...minimal, capture: { keystoreFile: 'k.json', kekFile: 'kek', rules: [{ org: 'acme' }, { org: 'beta', workspaces: ['w'], sampleRate: 0.25, maxBytes: 4096, fields: 'arguments' }] } });
  assert.deepEqual(c.capture.rules[0], { org: 'acme', workspaces: [], sampleRate: 1, maxBytes: 16_384, fields: 'both' });
  assert.equal(c.capture.rules[1]!.sampleRate, 0.25);
  assert.equal(c.capture.topic, 'mcpg.payloads.v1');
  const message = problems({ ...minimal, capture: { rules: [{ org: 'acme', sampleRate: 1.5, fields: 'all', maxBytes: 0 }] } });
  assert.match(message, /capture: capture rules need capture.keystoreFile and capture.kekFile/);
  assert.match(message, /capture.rules\[0\].sampleRate: a number from 0 to 1/);
  assert.match(message, /capture.rules\[0\].fields/);
  assert.match(message, /capture.rules\[0\].maxBytes/);
});
