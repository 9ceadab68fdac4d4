// Validates a parsed configuration document into a GatewayConfig. Pure: the
// caller reads the file. Every problem names its setting; any problem at all
// means the gateway refuses to start.
import { TOPICS } from '@mcpg/events';
import { GatewayError } from '../errors.ts';
import { FieldReader, type Doc } from './field-reader.ts';
import { readKafkaSasl, readKafkaTls } from './kafka-security-config.ts';
import { MAX_ARGUMENT_BYTES } from '../request-limits.ts';
import { readCaptureConfig } from '../capture/capture-config.ts';
import type {
  ApiKeyConfig,
  GatewayConfig,
  Obligations,
  PolicyRuleConfig,
  UpstreamConfig,
} from './gateway-config.ts';

/** Server names become the prefix of `server__tool`, so they cannot contain `_`. */
const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;
const HTTP_URL = /^https?:\/\/\S+$/;
const MIB = 1024 * 1024;

const TOP = ['instance', 'owner', 'listen', 'metrics', 'upstreams', 'apiKeys', 'stdioIdentity', 'policy', 'limits', 'kafka', 'events', 'restart', 'capture'];

export function validateConfig(raw: unknown): GatewayConfig {
  const r = new FieldReader();
  const doc = r.object(raw, '', TOP);
  const listen = r.object(doc.listen, 'listen', ['host', 'port', 'path', 'sessionIdleMs']);
  const metrics = r.object(doc.metrics, 'metrics', ['enabled', 'host', 'port']);
  const stdio = r.object(doc.stdioIdentity, 'stdioIdentity', ['org', 'workspace', 'actor']);
  const policy = r.object(doc.policy, 'policy', ['default', 'rules']);
  const limits = r.object(doc.limits, 'limits', ['maxArgumentBytes', 'auditPayloadBytes']);
  const owner = r.object(doc.owner, 'owner', ['org', 'workspace']);
  const kafka = r.object(doc.kafka, 'kafka', ['brokers', 'clientId', 'topics', 'sendTimeoutMs', 'tls', 'sasl']);
  const topics = r.object(kafka.topics, 'kafka.topics', ['calls', 'audit']);
  const events = r.object(doc.events, 'events', ['queueCapacity', 'batchSize', 'spool']);
  const spool = r.object(events.spool, 'events.spool', ['dir', 'maxBytes', 'segmentBytes', 'overflow', 'fsync', 'fsyncIntervalMs']);
  const restart = r.object(doc.restart, 'restart', ['initialDelayMs', 'maxDelayMs']);

  const upstreams = r.list(doc, 'upstreams', '').map((u, i) => readUpstream(r, u, `upstreams[${i}]`));
  if (upstreams.length === 0) r.problem('upstreams', 'at least one upstream server is required');
  duplicates(r, upstreams.map((u) => u.name), 'upstreams', 'name');

  const apiKeys = r.list(doc, 'apiKeys', '').map((k, i) => readApiKey(r, k, `apiKeys[${i}]`));
  duplicates(r, apiKeys.map((k) => k.id), 'apiKeys', 'id');
  duplicates(r, apiKeys.map((k) => k.sha256), 'apiKeys', 'sha256');

  const rules = r.list(policy, 'rules', 'policy').map((rule, i) => readRule(r, rule, `policy.rules[${i}]`, upstreams));
  duplicates(r, rules.map((rule) => rule.id), 'policy.rules', 'id');

  const config: GatewayConfig = {
    instance: r.string(doc, 'instance', '', { default: 'gateway-1', pattern: ID, hint: 'letters, digits, . _ : -' }),
    owner: {
      org: r.string(owner, 'org', 'owner', { default: 'default', pattern: ID }),
      workspace: r.string(owner, 'workspace', 'owner', { default: 'default', pattern: ID }),
    },
    listen: {
      host: r.string(listen, 'host', 'listen', { default: '127.0.0.1' }),
      port: r.int(listen, 'port', 'listen', { default: 8930, min: 0, max: 65535 }),
      path: r.string(listen, 'path', 'listen', { default: '/mcp', pattern: /^\/\S*$/, hint: 'starts with /' }),
      sessionIdleMs: r.int(listen, 'sessionIdleMs', 'listen', { default: 30 * 60_000, min: 1_000, max: 7 * 24 * 3_600_000 }),
    },
    metrics: {
      enabled: r.bool(metrics, 'enabled', 'metrics', true),
      host: r.string(metrics, 'host', 'metrics', { default: '127.0.0.1' }),
      port: r.int(metrics, 'port', 'metrics', { default: 9090, min: 0, max: 65535 }),
    },
    upstreams,
    apiKeys,
    stdioIdentity: {
      org: r.string(stdio, 'org', 'stdioIdentity', { default: 'default' }),
      workspace: r.string(stdio, 'workspace', 'stdioIdentity', { default: 'local' }),
      actor: r.string(stdio, 'actor', 'stdioIdentity', { default: 'local-user' }),
    },
    policy: { defaultEffect: r.oneOf(policy, 'default', 'policy', ['permit', 'deny'] as const, 'permit'), rules },
    limits: {
      maxArgumentBytes: r.int(limits, 'maxArgumentBytes', 'limits', { default: MIB, min: 2, max: MAX_ARGUMENT_BYTES }),
      auditPayloadBytes: r.int(limits, 'auditPayloadBytes', 'limits', { default: 4096, min: 0, max: MIB }),
    },
    kafka: {
      brokers: doc.kafka === undefined ? ['127.0.0.1:9092'] : r.strings(kafka, 'brokers', 'kafka'),
      clientId: r.string(kafka, 'clientId', 'kafka', { default: 'mcpg-gateway' }),
      topics: {
        calls: r.string(topics, 'calls', 'kafka.topics', { default: TOPICS.calls, pattern: TOPIC, hint: 'a Kafka topic name' }),
        audit: r.string(topics, 'audit', 'kafka.topics', { default: TOPICS.audit, pattern: TOPIC, hint: 'a Kafka topic name' }),
      },
      sendTimeoutMs: r.int(kafka, 'sendTimeoutMs', 'kafka', { default: 5_000, min: 100, max: 600_000 }),
      tls: readKafkaTls(r, kafka),
      sasl: readKafkaSasl(r, kafka),
    },
    events: {
      queueCapacity: r.int(events, 'queueCapacity', 'events', { default: 10_000, min: 1, max: 10_000_000 }),
      batchSize: r.int(events, 'batchSize', 'events', { default: 500, min: 1, max: 100_000 }),
      spool: {
        dir: r.string(spool, 'dir', 'events.spool', { default: './data/gateway-spool' }),
        maxBytes: r.int(spool, 'maxBytes', 'events.spool', { default: 1024 * MIB, min: 1024, max: Number.MAX_SAFE_INTEGER }),
        segmentBytes: r.int(spool, 'segmentBytes', 'events.spool', { default: 16 * MIB, min: 1024, max: 1024 * MIB }),
        overflow: r.oneOf(spool, 'overflow', 'events.spool', ['drop-oldest', 'drop-newest'] as const, 'drop-oldest'),
        fsync: r.oneOf(spool, 'fsync', 'events.spool', ['always', 'interval', 'never'] as const, 'interval'),
        fsyncIntervalMs: r.int(spool, 'fsyncIntervalMs', 'events.spool', { default: 1_000, min: 10, max: 60_000 }),
      },
    },
    capture: readCaptureConfig(r, doc.capture, TOPICS.payloads),
    restart: {
      initialDelayMs: r.int(restart, 'initialDelayMs', 'restart', { default: 500, min: 0, max: 600_000 }),
      maxDelayMs: r.int(restart, 'maxDelayMs', 'restart', { default: 30_000, min: 0, max: 3_600_000 }),
    },
  };
  if (config.events.spool.segmentBytes > config.events.spool.maxBytes) {
    r.problem('events.spool.segmentBytes', 'must not be larger than events.spool.maxBytes');
  }
  if (r.problems.length > 0) {
    throw new GatewayError('INVALID_CONFIG', `invalid gateway configuration:\n  - ${r.problems.join('\n  - ')}`);
  }
  return config;
}

function readUpstream(r: FieldReader, raw: unknown, path: string): UpstreamConfig {
  const u = r.object(raw, path, ['name', 'command', 'args', 'env', 'cwd', 'url', 'headers', 'timeoutMs', 'connectTimeoutMs']);
  const name = r.string(u, 'name', path, { pattern: SERVER_NAME, hint: 'letters, digits and -, no _' });
  const timeoutMs = r.int(u, 'timeoutMs', path, { default: 30_000, min: 1, max: 3_600_000 });
  const connectTimeoutMs = r.int(u, 'connectTimeoutMs', path, { default: 30_000, min: 1, max: 600_000 });
  if (u.command !== undefined && u.url !== undefined) r.problem(path, 'set either command (stdio) or url (Streamable HTTP), not both');
  if (u.url !== undefined) {
    return { name, kind: 'http', url: r.string(u, 'url', path, { pattern: HTTP_URL, hint: 'http(s) URL' }), headers: r.stringMap(u, 'headers', path), timeoutMs, connectTimeoutMs };
  }
  if (u.command === undefined) r.problem(path, 'needs command (a stdio server) or url (a Streamable HTTP server)');
  return {
    name,
    kind: 'stdio',
    command: typeof u.command === 'string' ? u.command : r.string(u, 'command', path),
    args: r.strings(u, 'args', path),
    env: r.stringMap(u, 'env', path),
    cwd: u.cwd === undefined ? undefined : r.string(u, 'cwd', path),
    timeoutMs,
    connectTimeoutMs,
  };
}

function readApiKey(r: FieldReader, raw: unknown, path: string): ApiKeyConfig {
  const k = r.object(raw, path, ['id', 'sha256', 'org', 'workspace', 'actor']);
  return {
    id: r.string(k, 'id', path, { pattern: ID }),
    sha256: r.string(k, 'sha256', path, { pattern: SHA256_HEX, hint: 'lower-case hex SHA-256 of the key, never the key itself' }),
    org: r.string(k, 'org', path, { pattern: ID }),
    workspace: r.string(k, 'workspace', path, { default: 'default', pattern: ID }),
    actor: r.string(k, 'actor', path, { default: typeof k.id === 'string' ? k.id : 'unknown' }),
  };
}

function readRule(r: FieldReader, raw: unknown, path: string, upstreams: readonly UpstreamConfig[]): PolicyRuleConfig {
  const d = r.object(raw, path, ['id', 'effect', 'tools', 'servers', 'actors', 'workspaces', 'obligations', 'reason']);
  const servers = r.strings(d, 'servers', path);
  servers.forEach((s, i) => {
    if (!upstreams.some((u) => u.name === s)) r.problem(`${path}.servers[${i}]`, `no upstream is named ${JSON.stringify(s)}`);
  });
  const effect = r.oneOf(d, 'effect', path, ['permit', 'deny'] as const, 'deny');
  if (d.effect === undefined) r.problem(`${path}.effect`, 'required (permit or deny)');
  let obligations: Obligations | null = null;
  if (d.obligations !== undefined) {
    const o: Doc = r.object(d.obligations, `${path}.obligations`, ['redactResponse', 'maxResponseBytes']);
    if (effect === 'deny') r.problem(`${path}.obligations`, 'only a permit rule can carry obligations');
    obligations = {
      redactResponse: r.bool(o, 'redactResponse', `${path}.obligations`, false),
      maxResponseBytes: r.int(o, 'maxResponseBytes', `${path}.obligations`, { default: 0, min: 0, max: 64 * MIB }),
    };
  }
  return {
    id: r.string(d, 'id', path, { pattern: ID }),
    effect,
    tools: r.strings(d, 'tools', path),
    servers,
    actors: r.strings(d, 'actors', path),
    workspaces: r.strings(d, 'workspaces', path),
    obligations,
    reason: r.string(d, 'reason', path, { default: '' }),
  };
}

function duplicates(r: FieldReader, values: readonly string[], path: string, field: string): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (v && seen.has(v)) r.problem(`${path}[${i}].${field}`, `duplicate ${JSON.stringify(v)}`);
    seen.add(v);
  });
}
