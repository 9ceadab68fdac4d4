// Latency the gateway adds to a tool call, and calls/s through one gateway
// process. The gateway runs as its own process (apps/gateway), as in
// production; the same SDK client calls the fixture upstream directly and
// through the gateway, over the same transport on both legs:
//   http:  client ─HTTP→ upstream     vs  client ─HTTP→ gateway ─HTTP→ upstream
//   stdio: client ─stdio→ upstream    vs  client ─stdio→ gateway ─stdio→ upstream
// and the usual deployment, an HTTP front with a local stdio upstream:
//   mixed: client ─stdio→ upstream    vs  client ─HTTP→ gateway ─stdio→ upstream
// and, as the floor any HTTP proxy has to pay here, a bare node:http forwarder
// (bench/gateway-bare-proxy.ts) in the gateway's place:
//   bare:  client ─HTTP→ upstream     vs  client ─HTTP→ forwarder ─HTTP→ upstream
// Direct and proxied calls alternate, so both legs see the same load. Besides
// wall time it prints the CPU time the gateway (or forwarder) process spent
// per call, user and system (from /proc, so it holds up when other work loads
// the machine).
// Calls/s are measured with the SDK client and, for the HTTP front, with a
// lean client (plain keep-alive POSTs) whose own cost stays out of the way.
// Events go to the Kafka broker given with --kafka (on topics of their own),
// or, without it, to the gateway's disk spool. --profile <dir> writes a CPU
// profile of each gateway process there (bench/cpu-profile-summary.ts reads it).
// --rows http,stdio,mixed,bare picks the latency rows (all by default); --no-throughput
// skips the calls/s part (for a profile of sequential calls alone); --idle S
// prints, after the rows, the CPU the HTTP-front gateway spends in S seconds without calls.
// Run: node --import tsx bench/gateway-overhead.ts [--calls N] [--kafka host:port] [--profile dir] [--spans] [--rows list] [--no-throughput] [--idle S]
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
import { connectClient, FIXTURE_SERVER, KEYS, quietFetch, sessionPostHeaders, startHttpUpstream, stdioUpstream } from '../test/fixtures/gateway-harness.ts';

const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const N = Number(arg('calls') ?? 3_000);
const kafka = arg('kafka');
const profileDir = arg('profile');
// --spans: the gateways export a span per call (OTLP over HTTP) to a sink in this process that accepts and drops them.
const spans = process.argv.includes('--spans');
const rows = new Set((arg('rows') ?? 'bare,http,stdio,mixed').split(','));
const withThroughput = !process.argv.includes('--no-throughput');
const idleSeconds = Number(arg('idle') ?? 0);
const WARMUP = 300;
const ARGS = { text: 'find open issues labelled bug in acme/site', limit: 20 };
const root = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(root, 'apps/gateway/src/main.ts');
const nodeArgs = (name: string) => ['--import', 'tsx', ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [])];

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

/** User + system CPU milliseconds of another process so far (Linux /proc; NaN elsewhere). */
function cpuMsOf(pid: number | undefined): number {
  return sysMsOf(pid, 11) + sysMsOf(pid, 12);
}

/** One CPU field of /proc/<pid>/stat in milliseconds: 11 is user time, 12 system (kernel) time. */
function sysMsOf(pid: number | undefined, field = 12): number {
  try {
    return (Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[field]) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Counters of another process that say how often it ran (Linux /proc; NaN elsewhere):
 * its main thread's voluntary context switches (each one a sleep, so the next
 * event is a wake-up) and the write syscalls of the whole process.
 */
function wakesOf(pid: number | undefined): { wakes: number; writes: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    return { wakes: Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)![1]), writes: Number(/syscw: (\d+)/.exec(io)![1]) };
  } catch {
    return { wakes: Number.NaN, writes: Number.NaN };
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
  /** Of that, kernel (system) time. */
  readonly gatewaySysMs: number;
  /** Wake-ups (voluntary context switches) and write syscalls of the proxy per call. */
  readonly wakes?: number;
  readonly writes?: number;
  /** CPU ms per call of this (client) process. */
  readonly clientCpuMs: number;
}

/**
 * Sequential calls, alternating one direct call and one through the proxy
 * (gateway or forwarder), so both legs see the same machine load: on shared
 * cores the load moves within seconds, and rows measured one after the other
 * differed by more than the overhead itself.
 */
async function paired(direct: Client, directName: string, via: Client, viaName: string, proxy?: ChildProcess): Promise<{ direct: Run; via: Run }> {
  for (let i = 0; i < WARMUP; i++) {
    await direct.callTool({ name: directName, arguments: ARGS });
    await via.callTool({ name: viaName, arguments: ARGS });
  }
  const d: number[] = [];
  const v: number[] = [];
  let directOwnUs = 0;
  let viaOwnUs = 0;
  const cpu0 = cpuMsOf(proxy?.pid);
  const sys0 = sysMsOf(proxy?.pid);
  const io0 = wakesOf(proxy?.pid);
  for (let i = 0; i < N; i++) {
    let own = process.cpuUsage();
    let t = performance.now();
    await direct.callTool({ name: directName, arguments: ARGS });
    d.push(performance.now() - t);
    let used = process.cpuUsage(own);
    directOwnUs += used.user + used.system;
    own = process.cpuUsage();
    t = performance.now();
    await via.callTool({ name: viaName, arguments: ARGS });
    v.push(performance.now() - t);
    used = process.cpuUsage(own);
    viaOwnUs += used.user + used.system;
  }
  // The proxy process serves only the calls through it, so its CPU over the loop is theirs.
  const proxyCpu = (cpuMsOf(proxy?.pid) - cpu0) / N;
  const proxySys = (sysMsOf(proxy?.pid) - sys0) / N;
  const io = wakesOf(proxy?.pid);
  return {
    direct: { sorted: d.sort((a, b) => a - b), gatewayCpuMs: Number.NaN, gatewaySysMs: Number.NaN, clientCpuMs: directOwnUs / 1000 / N },
    via: {
      sorted: v.sort((a, b) => a - b),
      gatewayCpuMs: proxyCpu,
      gatewaySysMs: proxySys,
      clientCpuMs: viaOwnUs / 1000 / N,
      wakes: (io.wakes - io0.wakes) / N,
      writes: (io.writes - io0.writes) / N,
    },
  };
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
  const headers = sessionPostHeaders(KEYS.acme.key, session);
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

function row(label: string, pair: { direct: Run; via: Run }): void {
  const { direct, via } = pair;
  const f = (n: number) => n.toFixed(3).padStart(7);
  const [d, g] = [direct.sorted, via.sorted];
  const [d50, d99, g50, g99] = [quantile(d, 0.5), quantile(d, 0.99), quantile(g, 0.5), quantile(g, 0.99)];
  console.log(
    `${label.padEnd(6)} direct p50 ${f(d50)} p99 ${f(d99)} ms | via p50 ${f(g50)} p99 ${f(g99)} ms | added p50 ${f(g50 - d50)} p99 ${f(g99 - d99)} ms` +
      ` | proxy CPU ${f(via.gatewayCpuMs)} ms/call (system ${f(via.gatewaySysMs)}), ${via.wakes?.toFixed(2)} wake-ups and ${via.writes?.toFixed(2)} writes per call | client CPU direct ${f(direct.clientCpuMs)} via ${f(via.clientCpuMs)} ms/call`,
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

// The bare forwarder in front of the same HTTP upstream.
const bare = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/gateway-bare-proxy.ts'), web.url], { stdio: ['ignore', 'pipe', 'inherit'] });
children.push(bare.pid);
const barePort = await new Promise<string>((resolve, reject) => {
  let out = '';
  bare.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    const m = /listening (\d+)/.exec(out);
    if (m) resolve(m[1]!);
  });
  bare.once('exit', (code) => reject(new Error(`bare forwarder exited with ${code}`)));
});
const bareUrl = `http://127.0.0.1:${barePort}${new URL(web.url).pathname}`;
const viaBare = new Client({ name: 'bench', version: '1' });
await viaBare.connect(new StreamableHTTPClientTransport(new URL(bareUrl), { fetch: quietFetch }));

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

console.log(`${N} sequential echo calls per row and leg, direct and proxied calls alternating (after ${WARMUP} warm-up each); events to ${kafka ? `Kafka at ${kafka}` : 'the disk spool'}; tracing ${spans ? 'on (a span per call exported)' : 'off'}; Node ${process.version}; load average ${loadavg()[0]!.toFixed(1)}`);
if (rows.has('bare')) row('bare', await paired(directHttp, 'echo', viaBare, 'echo', bare));
if (rows.has('http')) row('http', await paired(directHttp, 'echo', viaGateway, 'web__echo', gateway.child));
if (rows.has('stdio')) row('stdio', await paired(directStdio, 'echo', viaStdioGateway, 'fx__echo', stdioGateway));
if (rows.has('mixed')) row('mixed', await paired(directStdio, 'echo', viaGateway, 'fx__echo', gateway.child));
if (idleSeconds > 0) {
  const cpu0 = cpuMsOf(gateway.child.pid);
  await new Promise((r) => setTimeout(r, idleSeconds * 1000));
  console.log(`gateway CPU without calls: ${((cpuMsOf(gateway.child.pid) - cpu0) / idleSeconds).toFixed(1)} ms per second over ${idleSeconds} s`);
}
for (const c of withThroughput ? [1, 8, 32] : []) {
  console.log(`calls/s through the gateway, HTTP front, stdio upstream, ${String(c).padStart(2)} concurrent: ${await throughput(viaGateway, 'fx__echo', c, 5, gateway.child)}`);
}
const session = (viaGateway.transport as StreamableHTTPClientTransport).sessionId!;
if (withThroughput) {
  for (const c of [8, 32]) {
    console.log(`calls/s through the gateway, HTTP front (lean client), stdio upstream, ${String(c).padStart(2)} concurrent: ${await rawThroughput(gateway.url, session, 'fx__echo', c, 5, gateway.child)}`);
  }
  console.log(`calls/s through the gateway, HTTP front (lean client), HTTP upstream, 32 concurrent: ${await rawThroughput(gateway.url, session, 'web__echo', 32, 5, gateway.child)}`);
  // The same lean client through the bare forwarder: what any HTTP proxy costs per call here once calls overlap.
  for (const c of [1, 32]) {
    console.log(`calls/s through the bare forwarder (lean client), HTTP upstream, ${String(c).padStart(2)} concurrent: ${await rawThroughput(bareUrl, session, 'echo', c, 5, bare)}`);
  }
  console.log(`calls/s through the gateway, stdio front, stdio upstream, 32 concurrent: ${await throughput(viaStdioGateway, 'fx__echo', 32, 5, stdioGateway)}`);
  console.log(`calls/s direct to the stdio upstream, 32 concurrent: ${await throughput(directStdio, 'echo', 32, 5)}`);
}
console.log(`load average at the end ${loadavg()[0]!.toFixed(1)}${sink ? `; span export requests received: ${spanRequests}` : ''}`);

await Promise.all([viaGateway.close(), viaBare.close(), directHttp.close(), directStdio.close()]);
bare.kill('SIGTERM');
// Closing stdin ends the stdio gateway's session; SIGTERM stops it (and writes its profile).
if (stdioGateway.pid) process.kill(stdioGateway.pid, 'SIGTERM');
await viaStdioGateway.close();
gateway.child.kill('SIGTERM');
await new Promise((r) => gateway.child.once('exit', r));
await web.stop();
sink?.close();
await rm(dir, { recursive: true, force: true });
process.exit(0);
