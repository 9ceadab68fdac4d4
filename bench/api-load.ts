// The query API under concurrent load, as Prometheus replicas and open
// consoles meet it: starts its own `mcpg up` (local broker, embedded engine,
// workers, simulator at 200 calls/s) on loopback ports of its own and a fresh
// data directory, lets data accumulate, then drives each route with autocannon
// at 1, 8, 32 and 128 connections and prints req/s, p50, p99, errors and 503s
// per row; last, /healthz while 128 connections storm the audit search, on
// the API port and on the health listener's port.
// Runs once per mode: `off` (MCPG_API_LOAD_CONTROL=false: every request runs
// its queries, as before load control), `on` (the defaults), or any name with
// settings of its own after a colon (`name:MCPG_X=1+MCPG_Y=2`), so a setting
// can be compared with its default in one run.
//   node --import tsx bench/api-load.ts [secondsPerRow=5] [warmupSeconds=45] [kafkaPort=19205] [modes=off,on]
// Give it a Kafka port no other broker on the host uses (the controller takes the next one).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

// autocannon ships no types: the part of its result this bench reads.
interface Result {
  requests: { average: number };
  duration: number;
  '2xx': number;
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
}
type Autocannon = (opts: { url: string; connections: number; duration: number; timeout: number; idReplacement?: boolean; reconnectRate?: number }, done: (err: Error | null, res: Result) => void) => unknown;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SECONDS = Number(process.argv[2] ?? 5);
const WARMUP = Number(process.argv[3] ?? 45);
const KAFKA_PORT = Number(process.argv[4] ?? 19205);
const MODES = (process.argv[5] ?? 'off,on').split(',');
// API_LOAD_CONNECTIONS=32,128: only those connection counts.
const CONNECTIONS = (process.env.API_LOAD_CONNECTIONS ?? '1,8,32,128').split(',').map(Number);
const org = 'default';

// API_LOAD_CPU_PROF=<dir>: a V8 CPU profile of the stack per mode, written
// when it stops (bench/cpu-profile-summary.ts summarises it).
// API_LOAD_ONLY=<text>[,<text>…]: only the routes whose name holds one of them (e.g. `fleet`), no storm.
const ONLY = process.env.API_LOAD_ONLY?.split(',');
async function bench(modeSpec: string): Promise<void> {
  const [mode, settings = ''] = modeSpec.split(':', 2) as [string, string?];
  const extraEnv = Object.fromEntries(settings.split('+').filter(Boolean).map((kv) => kv.split('=', 2) as [string, string]));
  const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-api-load-'));
  const child = spawn(
    process.execPath,
    [...(process.env.API_LOAD_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', join(process.env.API_LOAD_CPU_PROF, mode)] : []), 'bin/mcpg.mjs', 'up', '--rate', '200', '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0', '--kafka-port', String(KAFKA_PORT), '--health-listen', '127.0.0.1:0'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MCPG_LOG_LEVEL: 'warn', MCPG_API_LOAD_CONTROL: mode === 'off' ? 'false' : 'true', ...extraEnv },
    },
  );
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));

  try {
    const base = await new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`mcpg up did not start in 180 s:\n${out}`)), 180_000);
      const check = () => {
        const m = /api\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => reject(new Error(`mcpg up exited (${code}):\n${out}`)));
    });
    const healthBase = /health\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    if (!healthBase) throw new Error(`mcpg up printed no health listener:\n${out}`);
    console.log(`\n== load control ${modeSpec}: mcpg up at ${base}, data accumulating for ${WARMUP} s; ${SECONDS} s per row; node ${process.version}`);
    await new Promise((r) => setTimeout(r, WARMUP * 1000));

    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const routes: [string, string][] = [
      ['fleet (granularity=minute)', `/v1/orgs/${org}/metrics?granularity=minute`],
      ['audit search (limit=10)', `/v1/orgs/${org}/audit?limit=10`],
      ['audit search, all distinct', `/v1/orgs/${org}/audit?limit=10&actor=[<id>]`],
      ['tokens (group_by=tool)', `/v1/orgs/${org}/tokens?from=${day}&group_by=tool`],
      ['/healthz', '/healthz'],
    ];
    const series = (await (await fetch(`${base}${routes[0]![1]}`)).text()).split('\n').filter((l) => l && !l.startsWith('#')).length;
    console.log(`fleet exposition: ${series} series\n`);

    const run = (path: string, connections: number, at = base): Promise<Result> =>
      new Promise((resolve, reject) => {
        // `[<id>]` in a path becomes a fresh id per request: queries no answer can be reused for.
        // A new connection every 500 requests: the API closes a socket after
        // 1,000 (maxRequestsPerSocket) and Node answers 503 to what a client
        // sends on it past that; real clients heed `connection: close`,
        // autocannon does not. So every 503 here is the API's OVERLOADED.
        autocannon({ url: `${at}${path}`, connections, duration: SECONDS, timeout: 30, idReplacement: true, reconnectRate: 500 }, (err, res) => (err ? reject(err) : resolve(res)));
      });
    const row = (name: string, c: number | string, r: Result) => {
      const s503 = r.statusCodeStats?.['503']?.count ?? 0;
      const other = r.non2xx - s503;
      console.log(
        `${name.padEnd(30)} ${String(c).padStart(5)}  ${(r['2xx'] / r.duration).toFixed(0).padStart(7)} ok/s  p50 ${String(r.latency.p50).padStart(5)} ms  p99 ${String(r.latency.p99).padStart(5)} ms  errors ${r.errors + r.timeouts + other}  503s ${s503}`,
      );
    };
    console.log(`${'route'.padEnd(30)} conns  answers 2xx per second, latency of every answer`);
    for (const [name, path] of routes) if (!ONLY || ONLY.some((o) => name.includes(o))) for (const c of CONNECTIONS) row(name, c, await run(path, c));
    if (ONLY) return;

    // /healthz must stay fast while the engine-backed routes are saturated:
    // by one search asked over and over, and by searches all different; on
    // the API port (shares the event loop with the answers) and on the
    // health listener's port (a thread of its own), one storm each.
    for (const [name, path] of [routes[1]!, routes[2]!]) {
      for (const [where, at] of [['API port', base], ['health port', healthBase]] as const) {
        const storm = run(path, 128);
        await new Promise((r) => setTimeout(r, 500));
        const health = await run('/healthz', 4, at);
        row(`/healthz (${where}) in the storm`, 4, health);
        row(`  (the storm: ${name})`, 128, await storm);
      }
    }
  } finally {
    await stop();
  }
}

for (const mode of MODES) await bench(mode);
