// Composes one gateway from its configuration: upstream pool, identity,
// policy, the call handler, the event outbox (memory queue + disk spool in
// front of the bus), metrics, and the client fronts. The app's main.ts only
// loads the config, builds the bus and calls this.
import { createMasker, type Masker } from '@mcpg/masking';
import type { Bus } from '@mcpg/pipeline';
import { silentLogger, type Logger } from '@mcpg/telemetry';
import type { GatewayConfig } from './config/gateway-config.ts';
import { EventFactory } from './events/event-factory.ts';
import { EventIds } from './events/event-ids.ts';
import { countO200k } from './events/token-counter.ts';
import { identityFromAuth, startHttpFront, type HttpFront } from './front/http-front.ts';
import { startStdioFront, type StdioFront } from './front/stdio-front.ts';
import { compileApiKeys } from './identity.ts';
import { GatewayMetrics } from './metrics/gateway-metrics.ts';
import { startMetricsServer, type MetricsServer } from './metrics/metrics-server.ts';
import { DiskSpool } from './outbox/disk-spool.ts';
import { Outbox, type OutboxStats } from './outbox/outbox.ts';
import { compilePolicy } from './policy/policy.ts';
import { createSessionServer } from './proxy/session-server.ts';
import { ToolCallHandler } from './proxy/tool-call-handler.ts';
import { UpstreamPool } from './upstream/upstream-pool.ts';
import { LiveKeyring, readKekFile } from '@mcpg/payload-crypto';
import { PayloadCapture } from './capture/payload-capture.ts';
import type { UpstreamStatus } from './upstream/upstream.ts';

export interface GatewayDeps {
  readonly bus: Bus;
  readonly log?: Logger;
  /** Default: createMasker() with its standard rules. */
  readonly masker?: Masker;
  /** Also serve one client on this process's stdin/stdout. */
  readonly stdio?: boolean;
  /** Backoff between attempts at a batch Kafka refused. Default 200 ms doubling to 5 s. */
  readonly sendRetry?: { readonly initialMs: number; readonly maxMs: number };
  /** At shutdown, how long Kafka may take what is queued before the rest goes to the spool. Default 5 000. */
  readonly drainMs?: number;
}

export interface Gateway {
  /** The Streamable HTTP endpoint. */
  readonly url: string;
  /** null when metrics are disabled. */
  readonly metricsUrl: string | null;
  readonly metrics: GatewayMetrics;
  upstreamStatus(): Record<string, UpstreamStatus>;
  outboxStats(): OutboxStats;
  /** Resolves once every event so far is in Kafka. */
  eventsDelivered(): Promise<void>;
  stop(): Promise<void>;
}

const STDIO_SESSION = 'stdio';

export async function startGateway(config: GatewayConfig, deps: GatewayDeps): Promise<Gateway> {
  const log = deps.log ?? silentLogger;
  const masker = deps.masker ?? createMasker();
  const { calls, audit } = config.kafka.topics;
  let outbox: Outbox | null = null;
  const metrics = new GatewayMetrics({
    queueDepth: () => (outbox ? outbox.stats().queued : 0),
    spoolBytes: () => (outbox ? outbox.stats().spoolBytes : 0),
  });
  const capture = config.capture.rules.length === 0 ? null : await startCapture(config, masker, metrics, log);
  const spool = await DiskSpool.open({
    ...config.events.spool,
    onDropped: (count, reason) => {
      metrics.dropped(count, reason);
      log.warn({ count, reason }, 'event spool full: events dropped');
    },
    onError: (error) => log.error({ err: error.message }, 'event spool write failed'),
  });
  const box = new Outbox({
    connect: async () => {
      await deps.bus.ensureTopics([{ name: calls }, { name: audit }, ...(capture ? [{ name: config.capture.topic }] : [])]);
      return deps.bus.producer();
    },
    spool,
    queueCapacity: config.events.queueCapacity,
    batchSize: config.events.batchSize,
    sendTimeoutMs: config.kafka.sendTimeoutMs,
    retry: deps.sendRetry ?? { initialMs: 200, maxMs: 5_000 },
    onSendError: (error) => log.warn({ err: String(error) }, 'Kafka did not take a batch of events; they wait in the spool'),
  });
  outbox = box;

  const ids = new EventIds(config.instance);
  const events = new EventFactory({ instance: config.instance, masker, countTokens: countO200k, auditPayloadBytes: config.limits.auditPayloadBytes, topics: { calls, audit } });
  const fronts: Array<HttpFront | StdioFront> = [];
  const pool = new UpstreamPool(config.upstreams, config.restart, {
    onLifecycle(server, action, detail) {
      log.info({ server, action, detail: detail === null ? null : masker.maskText(detail) }, 'upstream lifecycle');
      const outcome = action === 'plugin.started' || action === 'plugin.stopped' ? 'ok' : 'error';
      box.publish([events.lifecycle({ id: ids.next('lifecycle', `${server}:${action}`), org: config.owner.org, workspace: config.owner.workspace, action, server, outcome, detail })]);
    },
    onStatus: (server, status) => metrics.serverStatus(server, status === 'up'),
    onToolsChanged: () => fronts.forEach((f) => f.toolsChanged()),
    onStderr: (server, line) => log.debug({ server, line: masker.maskText(line) }, 'upstream stderr'),
  });
  for (const u of config.upstreams) metrics.serverStatus(u.name, false);

  const handler = new ToolCallHandler({
    pool,
    policy: compilePolicy(config.policy.defaultEffect, config.policy.rules),
    ids,
    events,
    publish: (records) => box.publish(records),
    metrics,
    masker,
    maxArgumentBytes: config.limits.maxArgumentBytes,
    log,
    ...(capture ? { capture } : {}),
  });

  box.start();
  await pool.start();
  const authenticate = compileApiKeys(config.apiKeys);
  const http = await startHttpFront({
    ...config.listen,
    authenticate,
    newServer: () => createSessionServer({ pool, calls: handler, identityOf: identityFromAuth, session: (extra) => extra.sessionId ?? 'http' }),
    onSessions: (delta) => metrics.sessions('http', delta),
    // Refused before any org is known: recorded in the owner's audit trail.
    onUnauthenticated: (reason) =>
      box.publish([
        events.lifecycle({
          id: ids.next('auth', reason),
          org: config.owner.org,
          workspace: config.owner.workspace,
          action: 'auth.denied',
          server: config.listen.path,
          outcome: 'denied',
          decision: 'deny',
          actor: 'anonymous',
          detail: reason === 'missing' ? 'no API key presented' : 'unknown API key',
        }),
      ]),
    log,
  });
  fronts.push(http);
  if (deps.stdio) {
    const stdioIdentity = { keyId: 'stdio', ...config.stdioIdentity };
    const server = createSessionServer({ pool, calls: handler, identityOf: () => stdioIdentity, session: () => STDIO_SESSION });
    fronts.push(await startStdioFront(server, (delta) => metrics.sessions('stdio', delta)));
  }
  let stopped: Promise<void> | null = null;
  const upstreamStatus = () => Object.fromEntries(pool.upstreams.map((u) => [u.name, u.status]));
  const readiness = () => ({ ready: stopped === null, reason: stopped === null ? undefined : 'the gateway is shutting down', upstreams: upstreamStatus() });
  const metricsServer: MetricsServer | null = config.metrics.enabled ? await startMetricsServer(metrics.registry, config.metrics.host, config.metrics.port, readiness) : null;

  return {
    url: http.url,
    metricsUrl: metricsServer?.url ?? null,
    metrics,
    upstreamStatus,
    outboxStats: () => box.stats(),
    eventsDelivered: () => box.idle(),
    stop() {
      stopped ??= (async () => {
        for (const f of fronts) await f.close().catch(() => undefined);
        await pool.stop();
        await box.stop(deps.drainMs ?? 5_000);
        await metricsServer?.close();
        capture?.stop();
      })();
      return stopped;
    },
  };
}

/** Payload capture with the keys of the orgs its rules name; a keystore or KEK that cannot be read stops start-up. */
async function startCapture(config: GatewayConfig, masker: Masker, metrics: GatewayMetrics, log: Logger): Promise<PayloadCapture> {
  const keys = new LiveKeyring({
    keystorePath: config.capture.keystoreFile,
    wrapper: readKekFile(config.capture.kekFile),
    orgs: new Set(config.capture.rules.map((r) => r.org)),
    checkMs: 0,
  });
  const warned = new Set<string>();
  const capture = new PayloadCapture({
    config: config.capture,
    instance: config.instance,
    masker,
    keys,
    onCaptured: (field) => metrics.captured(field),
    onSkipped: (org, reason) => {
      metrics.captureSkipped(reason);
      if (!warned.has(`${org}:${reason}`)) {
        warned.add(`${org}:${reason}`);
        log.warn({ org, reason }, 'payload capture skipped: no live payload key for the org (mcpg keys payload rotate), or the keystore could not be reloaded');
      }
    },
  });
  await capture.start();
  return capture;
}
