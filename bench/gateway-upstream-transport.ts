// The gateway's client side to a Streamable HTTP upstream on its own: the
// SDK's client transport (fetch) against HttpUpstreamTransport (node:http,
// kept-alive), the same SDK Client over each, sequential tools/call to the
// fixture upstream. Prints p50 / p99 and this process's CPU time per call;
// alternates the two a few times since the machine is shared.
// Run: node --import tsx bench/gateway-upstream-transport.ts [--calls N] [--rounds R]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { HttpUpstreamTransport } from '@mcpg/gateway';
import { quietFetch, startHttpUpstream } from '../test/fixtures/gateway-harness.ts';

const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const N = Number(arg('calls') ?? 2_000);
const ROUNDS = Number(arg('rounds') ?? 2);
const ARGS = { text: 'find open issues labelled bug in acme/site', limit: 20 };

async function run(label: string, transport: Transport): Promise<void> {
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  const call = () => client.request({ method: 'tools/call', params: { name: 'echo', arguments: ARGS } }, CallToolResultSchema);
  for (let i = 0; i < 300; i++) await call();
  const latencies: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await call();
    latencies.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(N - 1, Math.floor(p * N))]!.toFixed(3);
  console.log(`${label.padEnd(22)} p50 ${q(0.5)} p99 ${q(0.99)} ms | CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(3)} ms/call`);
  await client.close();
}

const web = await startHttpUpstream();
const url = new URL(web.url);
console.log(`${N} sequential calls per run; Node ${process.version}; load average ${loadavg()[0]!.toFixed(1)}`);
for (let r = 0; r < ROUNDS; r++) {
  await run('SDK transport (fetch)', new StreamableHTTPClientTransport(url, { fetch: quietFetch }));
  await run('HttpUpstreamTransport', new HttpUpstreamTransport(new StreamableHTTPClientTransport(url, { fetch: quietFetch }), { url, headers: {} }));
}
console.log(`load average at the end ${loadavg()[0]!.toFixed(1)}`);
await web.stop();
