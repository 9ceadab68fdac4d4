// Latency the gateway adds to a tool call, and calls/s through one gateway
// process. The gateway runs as its own process (apps/gateway), as in
// production; the same SDK client calls the fixture upstream directly and
// through the gateway, over the same transport on both legs:
//   http:  client ─HTTP→ upstream     vs  client ─HTTP→ gateway ─HTTP→ upstream
//   stdio: client ─stdio→ upstream    vs  client ─stdio→ gateway ─stdio→ upstream
// and the usual deployment, an HTTP front with a local stdio upstream:
//   mixed: client ─stdio→ upstream    vs  client ─HTTP→ gateway ─stdio→ upstream
// Besides wall time it prints the CPU time each gateway process spent per call
// (from /proc, so it holds up when other work loads the machine).
// Calls/s are measured with the SDK client and, for the HTTP front, with a
// lean client (plain keep-alive POSTs) whose own cost stays out of the way.
// Events go to the Kafka broker given with --kafka (on topics of their own),
// or, without it, to the gateway's disk spool. --profile <dir> writes a CPU
// profile of each gateway process there (bench/cpu-profile-summary.ts reads it).
// Run: node --import tsx bench/gateway-overhead.ts [--calls N] [--kafka host:port] [--profile dir] [--spans]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectClient, FIXTURE_SERVER, KEYS, quietFetch, startHttpUpstream, stdioUpstream } from '../test/fixtures/gateway-harness.ts';

const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const N = Number(arg('calls') ?? 3_000);
const kafka = arg('kafka');
const profileDir = arg('profile');
// --spans: the gateways export a span per call (OTLP over HTTP) to a sink in this process that accepts and drops them.
const spans = process.argv.includes('--spans');
const WARMUP = 300;
const ARGS = { text: 'find open issues labelled bug in acme/site', limit: 20 };
const root = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(root, 'apps/gateway/src/main.ts');
const nodeArgs = (name: string) => ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [])];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** User + system CPU milliseconds of another process so far (Linux /proc; NaN elsewhere). */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

function isRunning(pid: number): boolean {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
}

interface Run {
  readonly sorted: number[];
  /** CPU ms per call of the gateway process (NaN for direct calls). */
  readonly gatewayCpuMs: number;
  /** CPU ms per call of this (client) process. */
  readonly clientCpuMs: number;
}

async function latencies(client: Client, name: string, gateway?: ChildProcess): Promise<Run> {
  for (let i = 0; i < WARMUP; i++) await client.callTool({ name, arguments: ARGS });
  const out: number[] = [];
  const cpu0 = cpuMsOf(gateway?.pid);
  const own0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await client.callTool({ name, arguments: ARGS });
    out.push(performance.now() - t);
  }
  const own = process.cpuUsage(own0);
  return { sorted: out.sort((a, b) => a - b), gatewayCpuMs: (cpuMsOf(gateway?.pid) - cpu0) / N, clientCpuMs: (own.user + own.system) / 1000 / N };
}

async function throughput(client: Client, name: string, concurrency: number, seconds: number, gateway?: ChildProcess): Promise<string> {
  let calls = 0;
  const cpu0 = cpuMsOf(gateway?.pid);
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await client.callTool({ name, arguments: ARGS });
        calls++;
      }
    }),
  );
  const cpu = gateway ? `, gateway CPU ${((cpuMsOf(gateway.pid) - cpu0) / calls).toFixed(3)} ms/call (${((cpuMsOf(gateway.pid) - cpu0) / (seconds * 10)).toFixed(0)}% of one core)` : '';
  return `${(calls / seconds).toFixed(0)}${cpu}`;
}

/**
 * Calls/s the gateway's HTTP front takes from a lean client: plain keep-alive
 * POSTs of tools/call in the SDK client's session, so the figure is the
 * gateway's, not the SDK client's (which costs more CPU per call than the
 * gateway on these two cores).
 */
async function rawThroughput(url: string, session: string, name: string, concurrency: number, seconds: number, gateway: ChildProcess): Promise<string> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = {
    authorization: `Bearer ${KEYS.acme.key}`,
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-session-id': session,
    'mcp-protocol-version': '2025-11-25',
  };
  let calls = 0;
  let next = 0;
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: `raw-${next++}`, method: 'tools/call', params: { name, arguments: ARGS } });
      const req = httpRequest(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => (res.statusCode === 200 && text.includes('"result"') ? resolve() : reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`))));
      });
      req.once('error', reject);
      req.end(body);
    });
  const cpu0 = cpuMsOf(gateway.pid);
  const own0 = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await post();
        calls++;
      }
    }),
  );
  const own = process.cpuUsage(own0);
  agent.destroy();
  const cpu = cpuMsOf(gateway.pid) - cpu0;
  return `${(calls / seconds).toFixed(0)}, gateway CPU ${(cpu / calls).toFixed(3)} ms/call (${(cpu / (seconds * 10)).toFixed(0)}% of one core), client CPU ${((own.user + own.system) / 1000 / calls).toFixed(3)} ms/call`;
}

function row(label: string, direct: Run, via: Run): void {
  const f = (n: number) => n.toFixed(3).padStart(7);
  const [d, g] = [direct.sorted, via.sorted];
  const [d50, d99, g50, g99] = [quantile(d, 0.5), quantile(d, 0.99), quantile(g, 0.5), quantile(g, 0.99)];
  console.log(
    `${label.padEnd(6)} direct p50 ${f(d50)} p99 ${f(d99)} ms | gateway p50 ${f(g50)} p99 ${f(g99)} ms | added p50 ${f(g50 - d50)} p99 ${f(g99 - d99)} ms` +
      ` | gateway CPU ${f(via.gatewayCpuMs)} ms/call | client CPU direct ${f(direct.clientCpuMs)} via ${f(via.clientCpuMs)} ms/call`,
  );
}

/** A gateway process on a config file; resolves with its HTTP URL once it logged "gateway started". */
async function startGatewayProcess(configFile: string, name: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...nodeArgs(name), MAIN, '--config', configFile], { cwd: root, env: gatewayEnv, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"url":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  });
  child.stdout!.resume();
  return { child, url };
}

let spanRequests = 0;
const sink = spans ? createServer((req, res) => req.resume().once('end', () => (spanRequests++, res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()))) : null;
if (sink) await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const gatewayEnv = sink ? { ...process.env, MCPG_OTLP_ENDPOINT: `http://127.0.0.1:${(sink.address() as { port: number }).port}/v1/traces` } : process.env;

const web = await startHttpUpstream();
// A failed run must not leave its upstream and gateway processes behind.
const children: Array<number | undefined> = [web.child.pid];
process.once('exit', () => children.forEach((pid) => pid && isRunning(pid) && process.kill(pid, 'SIGTERM')));
const dir = await mkdtemp(join(tmpdir(), 'mcpg-bench-gateway-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const configFile = join(dir, 'gateway.json');
await writeFile(
  configFile,
  JSON.stringify({
    instance: 'gw-bench',
    listen: { port: 0 },
    metrics: { enabled: false },
    upstreams: [stdioUpstream('fx'), { name: 'web', url: web.url }],
    apiKeys: [KEYS.acme.entry],
    stdioIdentity: { org: 'acme', workspace: 'research', actor: 'agent:bench' },
    kafka: kafka ? { brokers: [kafka], topics: { calls: `bench-gw-calls-${process.pid}`, audit: `bench-gw-audit-${process.pid}` } } : { brokers: [] },
    events: { spool: { dir: join(dir, 'spool') } },
  }),
);
const gateway = await startGatewayProcess(configFile, 'gateway-http-front');
children.push(gateway.child.pid);

const viaGateway = await connectClient(gateway.url, KEYS.acme.key);
const directHttp = new Client({ name: 'bench', version: '1' });
await directHttp.connect(new StreamableHTTPClientTransport(new URL(web.url), { fetch: quietFetch }));
const directStdio = new Client({ name: 'bench', version: '1' });
await directStdio.connect(new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', FIXTURE_SERVER] }));
// The same gateway configuration served on stdio, with its own spool (a second process).
const stdioConfig = join(dir, 'gateway-stdio.json');
const stdioDoc = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
await writeFile(stdioConfig, JSON.stringify({ ...stdioDoc, instance: 'gw-bench-stdio', events: { spool: { dir: join(dir, 'spool-stdio') } } }));
const stdioGatewayTransport = new StdioClientTransport({ command: process.execPath, args: [...nodeArgs('gateway-stdio-front'), MAIN, '--config', stdioConfig, '--stdio', 'true'], cwd: root, env: gatewayEnv as Record<string, string> });
const viaStdioGateway = new Client({ name: 'bench', version: '1' });
await viaStdioGateway.connect(stdioGatewayTransport);
children.push(stdioGatewayTransport.pid ?? undefined);
const stdioGateway = { pid: stdioGatewayTransport.pid ?? undefined } as ChildProcess;
// The stdio upstream of a gateway connects in the background: wait until the gateway lists it.
for (let i = 0; i < 200 && !(await viaStdioGateway.listTools()).tools.some((t) => t.name === 'fx__echo'); i++) await new Promise((r) => setTimeout(r, 50));

console.log(`${N} sequential echo calls per row (after ${WARMUP} warm-up); events to ${kafka ? `Kafka at ${kafka}` : 'the disk spool'}; tracing ${spans ? 'on (a span per call exported)' : 'off'}; Node ${process.version}; load average ${loadavg()[0]!.toFixed(1)}`);
row('http', await latencies(directHttp, 'echo'), await latencies(viaGateway, 'web__echo', gateway.child));
row('stdio', await latencies(directStdio, 'echo'), await latencies(viaStdioGateway, 'fx__echo', stdioGateway));
row('mixed', await latencies(directStdio, 'echo'), await latencies(viaGateway, 'fx__echo', gateway.child));
for (const c of [1, 8, 32]) {
  console.log(`calls/s through the gateway, HTTP front, stdio upstream, ${String(c).padStart(2)} concurrent: ${await throughput(viaGateway, 'fx__echo', c, 5, gateway.child)}`);
}
const session = (viaGateway.transport as StreamableHTTPClientTransport).sessionId!;
for (const c of [8, 32]) {
  console.log(`calls/s through the gateway, HTTP front (lean client), stdio upstream, ${String(c).padStart(2)} concurrent: ${await rawThroughput(gateway.url, session, 'fx__echo', c, 5, gateway.child)}`);
}
console.log(`calls/s through the gateway, HTTP front (lean client), HTTP upstream, 32 concurrent: ${await rawThroughput(gateway.url, session, 'web__echo', 32, 5, gateway.child)}`);
console.log(`calls/s through the gateway, stdio front, stdio upstream, 32 concurrent: ${await throughput(viaStdioGateway, 'fx__echo', 32, 5, stdioGateway)}`);
console.log(`calls/s direct to the stdio upstream, 32 concurrent: ${await throughput(directStdio, 'echo', 32, 5)}`);
console.log(`load average at the end ${loadavg()[0]!.toFixed(1)}${sink ? `; span export requests received: ${spanRequests}` : ''}`);

await Promise.all([viaGateway.close(), directHttp.close(), directStdio.close()]);
// Closing stdin ends the stdio gateway's session; SIGTERM stops it (and writes its profile).
if (stdioGateway.pid) process.kill(stdioGateway.pid, 'SIGTERM');
await viaStdioGateway.close();
gateway.child.kill('SIGTERM');
await new Promise((r) => gateway.child.once('exit', r));
await web.stop();
sink?.close();
await rm(dir, { recursive: true, force: true });
process.exit(0);
