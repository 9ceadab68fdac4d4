// Real Prometheus and Alertmanager (Debian packages prometheus and
// prometheus-alertmanager) for end-to-end tests, configured from the files the
// project ships in infra/: the same scrape job, rules and routes, with only
// what a test must change — addresses, short intervals and `for` durations,
// and the webhook receivers pointed at a server of the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { parse, stringify } from 'yaml';

const INFRA = new URL('../../infra/', import.meta.url).pathname;

export interface StackOptions {
  /** host:port of the fleet endpoint to scrape. */
  readonly target: string;
  /** Path Prometheus scrapes, e.g. /v1/orgs/acme/metrics. */
  readonly metricsPath: string;
  /** Replaces every rule's `for:` (the shipped ones are minutes long). */
  readonly ruleFor: string;
  /** Scrape and evaluation interval. */
  readonly interval: string;
  /** The shipped scrape job pointed at the target (default: mcpg-fleet, the fleet endpoint); the others are left out. */
  readonly job?: string;
}

export interface ReceivedAlert {
  readonly status: string;
  readonly labels: Record<string, string>;
}

export interface Stack {
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  /** Every alert the Alertmanager webhooks delivered, in arrival order. */
  readonly received: ReceivedAlert[];
  /** The last lines both servers printed, for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

function startWebhook(received: ReceivedAlert[]): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const payload = JSON.parse(body || '{}') as { alerts?: ReceivedAlert[] };
      for (const a of payload.alerts ?? []) received.push({ status: a.status, labels: a.labels });
      res.writeHead(200).end();
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

interface Logged {
  readonly child: ChildProcess;
  /** What the process printed so far, and why it could not start, if it could not. */
  output(): string;
}

function spawnLogged(cmd: string, args: string[]): Logged {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (c) => (log += c));
  child.stderr?.on('data', (c) => (log += c));
  child.on('error', (e) => (log += `\n${cmd} could not start (apt-get install prometheus prometheus-alertmanager): ${e.message}`));
  return { child, output: () => log };
}

async function waitReady(url: string, p: Logged, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline || p.child.exitCode !== null || p.child.pid === undefined) {
      throw new Error(`${what} not ready at ${url}:\n${p.output().slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'mcpg-prom-'));
  const received: ReceivedAlert[] = [];
  const hook = await startWebhook(received);
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
  const [promPort, amPort] = [await freePort(), await freePort()];

  const rules = parse(readFileSync(join(INFRA, 'prometheus/rules/mcpg.rules.yml'), 'utf8'));
  for (const group of rules.groups) for (const rule of group.rules) if (rule.for) rule.for = o.ruleFor;
  writeFileSync(join(dir, 'rules.yml'), stringify(rules));

  const prom = parse(readFileSync(join(INFRA, 'prometheus/prometheus.yml'), 'utf8'));
  prom.global.scrape_interval = o.interval;
  prom.global.evaluation_interval = o.interval;
  prom.rule_files = [join(dir, 'rules.yml')];
  prom.alerting.alertmanagers[0].static_configs[0].targets = [`127.0.0.1:${amPort}`];
  const job = prom.scrape_configs.find((j: { job_name: string }) => j.job_name === (o.job ?? 'mcpg-fleet'));
  if (!job) throw new Error(`no scrape job ${o.job} in infra/prometheus/prometheus.yml`);
  prom.scrape_configs = [job];
  job.scrape_interval = o.interval;
  job.metrics_path = o.metricsPath;
  job.static_configs[0].targets = [o.target];
  writeFileSync(join(dir, 'prometheus.yml'), stringify(prom));

  const am = parse(readFileSync(join(INFRA, 'alertmanager/alertmanager.yml'), 'utf8'));
  am.route.group_wait = '1s';
  am.route.group_interval = '1s';
  for (const receiver of am.receivers) {
    for (const w of receiver.webhook_configs ?? []) w.url = `${hookUrl}${new URL(w.url).pathname}`;
  }
  writeFileSync(join(dir, 'alertmanager.yml'), stringify(am));

  const alertmanager = spawnLogged(
    'prometheus-alertmanager',
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      // A single instance: no gossip port to bind or peers to wait for.
      '--cluster.listen-address=',
    ],
  );
  const prometheus = spawnLogged(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ],
  );
  const stack: Stack = {
    prometheusUrl: `http://127.0.0.1:${promPort}`,
    alertmanagerUrl: `http://127.0.0.1:${amPort}`,
    received,
    logs: () => `prometheus:\n${prometheus.output().slice(-3000)}\nalertmanager:\n${alertmanager.output().slice(-3000)}`,
    async stop() {
      for (const { child } of [prometheus, alertmanager]) {
        if (child.exitCode === null && child.pid !== undefined) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
        }
      }
      await new Promise((r) => hook.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitReady(`${stack.alertmanagerUrl}/-/ready`, alertmanager, 'Alertmanager');
    await waitReady(`${stack.prometheusUrl}/-/ready`, prometheus, 'Prometheus');
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return stack;
}

/** An instant query through Prometheus' HTTP API. */
export async function promQuery(stack: Stack, expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  if (body.status !== 'success') throw new Error(`query ${expr} failed: ${JSON.stringify(body)}`);
  return body.data.result;
}
