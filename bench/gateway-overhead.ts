// Latency the gateway adds to a tool call, and calls/s through one gateway
// process. The gateway runs as its own process (apps/gateway), as in
// production; the same SDK client calls the fixture upstream directly and
// through the gateway:
//   http:  client ─HTTP→ upstream     vs  client ─HTTP→ gateway ─HTTP→ upstream
//   stdio: client ─stdio→ upstream    vs  client ─HTTP→ gateway ─stdio→ upstream
// Events go to the Kafka broker given with --kafka (on topics of their own),
// or, without it, to the gateway's disk spool.
// Run: node --import tsx bench/gateway-overhead.ts [--calls N] [--kafka host:port]
import { spawn } from 'node:child_process';
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
const WARMUP = 300;
const ARGS = { text: 'find open issues labelled bug in acme/site', limit: 20 };
const root = fileURLToPath(new URL('..', import.meta.url));

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function latencies(client: Client, name: string): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await client.callTool({ name, arguments: ARGS });
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await client.callTool({ name, arguments: ARGS });
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function throughput(client: Client, name: string, concurrency: number, seconds: number): Promise<number> {
  let calls = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await client.callTool({ name, arguments: ARGS });
        calls++;
      }
    }),
  );
  return calls / seconds;
}

function row(label: string, direct: number[], via: number[]): void {
  const f = (n: number) => n.toFixed(3).padStart(7);
  const [d50, d99, g50, g99] = [quantile(direct, 0.5), quantile(direct, 0.99), quantile(via, 0.5), quantile(via, 0.99)];
  console.log(`${label.padEnd(6)} direct p50 ${f(d50)} p99 ${f(d99)} ms | gateway p50 ${f(g50)} p99 ${f(g99)} ms | added p50 ${f(g50 - d50)} p99 ${f(g99 - d99)} ms`);
}

const web = await startHttpUpstream();
const dir = await mkdtemp(join(tmpdir(), 'mcpg-bench-gateway-'));
const configFile = join(dir, 'gateway.json');
await writeFile(
  configFile,
  JSON.stringify({
    instance: 'gw-bench',
    listen: { port: 0 },
    metrics: { enabled: false },
    upstreams: [stdioUpstream('fx'), { name: 'web', url: web.url }],
    apiKeys: [KEYS.acme.entry],
    kafka: kafka ? { brokers: [kafka], topics: { calls: `bench-gw-calls-${process.pid}`, audit: `bench-gw-audit-${process.pid}` } } : { brokers: [] },
    events: { spool: { dir: join(dir, 'spool') } },
  }),
);
const gatewayProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'apps/gateway/src/main.ts'), '--config', configFile], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  gatewayProcess.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    const m = /"url":"([^"]+)"/.exec(out);
    if (m) resolve(m[1]!);
  });
  gatewayProcess.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
});
gatewayProcess.stdout!.resume();

const viaGateway = await connectClient(url, KEYS.acme.key);
const directHttp = new Client({ name: 'bench', version: '1' });
await directHttp.connect(new StreamableHTTPClientTransport(new URL(web.url), { fetch: quietFetch }));
const directStdio = new Client({ name: 'bench', version: '1' });
await directStdio.connect(new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', FIXTURE_SERVER] }));

console.log(`${N} sequential echo calls per row (after ${WARMUP} warm-up); events to ${kafka ? `Kafka at ${kafka}` : 'the disk spool'}; Node ${process.version}; load average ${loadavg()[0]!.toFixed(1)}`);
row('http', await latencies(directHttp, 'echo'), await latencies(viaGateway, 'web__echo'));
row('stdio', await latencies(directStdio, 'echo'), await latencies(viaGateway, 'fx__echo'));
for (const c of [1, 8, 32]) {
  console.log(`calls/s through the gateway, stdio upstream, ${String(c).padStart(2)} concurrent: ${(await throughput(viaGateway, 'fx__echo', c, 5)).toFixed(0)}`);
}
console.log(`calls/s direct to the stdio upstream, 32 concurrent: ${(await throughput(directStdio, 'echo', 32, 5)).toFixed(0)}`);
console.log(`load average at the end ${loadavg()[0]!.toFixed(1)}`);

await Promise.all([viaGateway.close(), directHttp.close(), directStdio.close()]);
gatewayProcess.kill('SIGTERM');
await new Promise((r) => gatewayProcess.once('exit', r));
await web.stop();
await rm(dir, { recursive: true, force: true });
process.exit(0);
