// Latency payload capture adds to a tool call at 4 KB payloads: two gateway
// processes (apps/gateway) in front of the same HTTP fixture upstream, one
// with capture off, one capturing every call (sampleRate 1, both fields:
// mask, seal the ~4 KB arguments and the ~4 KB echoed response with
// AES-256-GCM, encode and queue them). The same SDK client kind calls
// both, in alternating batches so both see the same load; events go to each
// gateway's disk spool. Prints p50/p90/p99 per side, the p50 difference
// (the target: <= 0.1 ms), and each gateway's CPU per call.
//   node --import tsx bench/payload-capture.ts [--calls N] [--rounds R]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { emptyKeystore, FileKek, formatKeystore, generateKekText, rotateOrgKey } from '@mcpg/payload-crypto';
import { connectClient, KEYS, startHttpUpstream } from '../test/fixtures/gateway-harness.ts';

const arg = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const N = Number(arg('calls') ?? 2_000);
const ROUNDS = Number(arg('rounds') ?? 10);
const root = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(root, 'apps/gateway/src/main.ts');
// ~4 KB of arguments (the fixture's echo returns them as JSON text: ~4 KB back).
const ARGS = { text: 'select id, status, total from orders where customer = $1 and placed_at > $2 '.repeat(55).slice(0, 4000) };
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

function cpuMsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

async function startGateway(configFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--config', configFile], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
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

const dir = await mkdtemp(join(tmpdir(), 'mcpg-bench-capture-'));
const children: ChildProcess[] = [];
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});
const kekText = generateKekText();
writeFileSync(join(dir, 'payload.kek'), kekText, { mode: 0o600 });
writeFileSync(join(dir, 'keys.json'), formatKeystore((await rotateOrgKey(emptyKeystore(), 'acme', FileKek.parse(kekText), new Date())).doc));
const web = await startHttpUpstream();
children.push(web.child);
const config = (name: string, capture: boolean) => {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      instance: `gw-${name}`,
      listen: { port: 0 },
      metrics: { enabled: false },
      upstreams: [{ name: 'web', url: web.url }],
      apiKeys: [KEYS.acme.entry],
      kafka: { brokers: [] },
      events: { spool: { dir: join(dir, `spool-${name}`) } },
      ...(capture ? { capture: { keystoreFile: join(dir, 'keys.json'), kekFile: join(dir, 'payload.kek'), rules: [{ org: 'acme', sampleRate: 1, maxBytes: 16_384, fields: 'both' }] } } : {}),
    }),
  );
  return file;
};
const off = await startGateway(config('off', false));
const on = await startGateway(config('on', true));
children.push(off.child, on.child);
const clients: Record<'off' | 'on', Client> = { off: await connectClient(off.url, KEYS.acme.key), on: await connectClient(on.url, KEYS.acme.key) };
const pids = { off: off.child.pid!, on: on.child.pid! };

async function batch(side: 'off' | 'on', n: number, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await clients[side].callTool({ name: 'web__echo', arguments: ARGS });
    into.push(performance.now() - t0);
  }
}

const warm: number[] = [];
await batch('off', 300, warm);
await batch('on', 300, warm);
const times = { off: [] as number[], on: [] as number[] };
const cpu0 = { off: cpuMsOf(pids.off), on: cpuMsOf(pids.on) };
const per = Math.ceil(N / ROUNDS);
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which side goes first.
  for (const side of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) await batch(side, per, times[side]);
}
const cpu = { off: (cpuMsOf(pids.off) - cpu0.off) / times.off.length, on: (cpuMsOf(pids.on) - cpu0.on) / times.on.length };
console.log(`payload-capture: ${times.off.length} calls per side, 4 KB arguments and response, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const stats: Record<string, number> = {};
for (const side of ['off', 'on'] as const) {
  const s = [...times[side]].sort((a, b) => a - b);
  stats[side] = quantile(s, 0.5);
  console.log(`capture ${side.padEnd(3)}  p50 ${quantile(s, 0.5).toFixed(3)} ms  p90 ${quantile(s, 0.9).toFixed(3)} ms  p99 ${quantile(s, 0.99).toFixed(3)} ms  gateway CPU ${cpu[side].toFixed(3)} ms/call`);
}
console.log(`added p50: ${(stats.on! - stats.off!).toFixed(3)} ms (target <= 0.1 ms); added gateway CPU per call: ${(cpu.on - cpu.off).toFixed(3)} ms`);
for (const c of Object.values(clients)) await c.close();
process.exit(0);
