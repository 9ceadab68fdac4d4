// Rollup worker against ClickHouse's own Kafka engine, on one backlog.
//
// The alternative a ClickHouse user has to mcpg's rollup worker is the
// engine's Kafka table plus materialized views. This puts N call events
// (a backlog) on one local broker, once as Avro (what gateways send) and once
// as JSONEachRow (what the Kafka engine can read), then drains them into an
// empty embedded ClickHouse, alternating the contenders within one run:
//   - each worker given with --worker (the project's rollup worker as a
//     process, from that checkout: before/after comparisons), writing
//     everything it writes in a deployment (calls, minute/hour/day tiers,
//     org-wide tiers, totals);
//   - the peer: a Kafka table (2 consumers) feeding a calls table and a
//     per-minute t-digest rollup through two materialized views.
// Each contender gets a fresh data directory and its own consumer group, in
// its own process (chdb binds one data directory per process). Printed per
// run: events/s from the process start, from the moment it is ready (the
// worker: /readyz answers; the peer: its views exist) and between 20% and 80%
// of the backlog stored, the process's CPU seconds per 1M events from ready
// (for a worker also its JS thread's alone: the rest is the engine's threads),
// and `uptime`. The peer reads through a Null table that two views copy into
// a calls table and a per-minute t-digest rollup (the Kafka table starts
// consuming when its first view attaches, so those exist first).
//
//   node --import tsx bench/ingest-peer.ts [--events 1000000] [--rounds 2]
//     [--kafka-port 19393] [--worker label=<checkout>[,label=<checkout>]]
//     [--worker-env label:NAME=value,...] [--no-peer] [--profile DIR]
//     [--instances K] [--partitions P]
// Default --worker: this checkout, labelled "mcpg".
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? def : (process.argv[i + 1] ?? def);
};
const JSON_TOPIC = 'peer.calls.json';

/**
 * Events/s between the polls where 20% and 80% of the backlog were stored:
 * the drain itself, without start-up, a group's first rebalance or the tail.
 */
class SteadyRate {
  private t20: number | undefined;
  private n20 = 0;
  private t80: number | undefined;
  private n80 = 0;
  constructor(private readonly total: number) {}
  see(stored: number, now: number): void {
    if (this.t20 === undefined && stored >= 0.2 * this.total) [this.t20, this.n20] = [now, stored];
    if (this.t80 === undefined && stored >= 0.8 * this.total) [this.t80, this.n80] = [now, stored];
  }
  get rate(): number | undefined {
    return this.t20 !== undefined && this.t80 !== undefined && this.t80 > this.t20 ? (this.n80 - this.n20) / ((this.t80 - this.t20) / 1000) : undefined;
  }
}

// ---------------------------------------------------------------------------
// The peer, run as a child process: `--peer-child <brokers> <count> <dir>`.

async function peerChild(brokers: string, want: number, dir: string): Promise<void> {
  const { Session } = await import('chdb');
  const s = new Session(dir);
  const run = (sql: string) => s.query(sql, 'TSV');
  run('CREATE DATABASE peer');
  // The columns a user would keep per call, typed as the project's own table.
  run(`CREATE TABLE peer.calls (
    event_id String, org LowCardinality(String), workspace LowCardinality(String), instance LowCardinality(String),
    plugin LowCardinality(String), tool LowCardinality(String), actor String, source LowCardinality(String),
    started_at DateTime64(3, 'UTC'), emitted_at DateTime64(3, 'UTC'), duration_us UInt64, outcome LowCardinality(String),
    error_code Nullable(String), error_message Nullable(String), tokens_in UInt64, tokens_out UInt64,
    trace_id Nullable(String), span_id Nullable(String), policy_decision LowCardinality(String), policy_rule_id Nullable(String))
    ENGINE = ReplacingMergeTree ORDER BY (org, workspace, plugin, tool, started_at, event_id)`);
  run(`CREATE TABLE peer.minutes (
    org LowCardinality(String), workspace LowCardinality(String), plugin LowCardinality(String), tool LowCardinality(String),
    minute DateTime('UTC'), calls AggregateFunction(count), errors AggregateFunction(countIf, UInt8),
    tokens_in AggregateFunction(sum, UInt64), tokens_out AggregateFunction(sum, UInt64),
    latency_ms AggregateFunction(quantilesTDigest(0.5, 0.9, 0.95, 0.99), Float64))
    ENGINE = AggregatingMergeTree ORDER BY (org, workspace, plugin, tool, minute)`);
  run(`CREATE TABLE peer.source (
    event_id String, org String, workspace String, instance String, plugin String, tool String, actor String, source String,
    started_at Int64, emitted_at Int64, duration_us UInt64, outcome String, error_code Nullable(String), error_message Nullable(String),
    tokens_in UInt64, tokens_out UInt64, trace_id Nullable(String), span_id Nullable(String), policy_decision String, policy_rule_id Nullable(String))
    ENGINE = Kafka SETTINGS kafka_broker_list = '${brokers}', kafka_topic_list = '${JSON_TOPIC}',
      kafka_group_name = 'peer-${process.pid}-${Date.now()}', kafka_format = 'JSONEachRow',
      kafka_num_consumers = 2, kafka_thread_per_consumer = 1, kafka_max_block_size = 65536`);
  // One stream, two views off it: the Kafka table starts consuming when its
  // first view attaches, so the views fed by it exist before it does.
  run(`CREATE TABLE peer.stream AS peer.source ENGINE = Null`);
  run(`CREATE MATERIALIZED VIEW peer.to_calls TO peer.calls AS
    SELECT * EXCEPT (started_at, emitted_at), fromUnixTimestamp64Milli(started_at, 'UTC') AS started_at,
      fromUnixTimestamp64Milli(emitted_at, 'UTC') AS emitted_at FROM peer.stream`);
  run(`CREATE MATERIALIZED VIEW peer.to_minutes TO peer.minutes AS
    SELECT org, workspace, plugin, tool, toStartOfMinute(fromUnixTimestamp64Milli(started_at, 'UTC')) AS minute,
      countState() AS calls, countIfState(outcome IN ('error', 'timeout')) AS errors,
      sumState(tokens_in) AS tokens_in, sumState(tokens_out) AS tokens_out,
      quantilesTDigestState(0.5, 0.9, 0.95, 0.99)(duration_us / 1000) AS latency_ms
    FROM peer.stream GROUP BY org, workspace, plugin, tool, minute`);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // This view starts the consumers: the clock starts here.
  run(`CREATE MATERIALIZED VIEW peer.from_kafka TO peer.stream AS SELECT * FROM peer.source`);
  let stored = 0;
  const steady = new SteadyRate(want);
  const deadline = Date.now() + 900_000;
  while (stored < want && Date.now() < deadline) {
    await sleep(200);
    stored = Number(run('SELECT count() FROM peer.calls').trim());
    steady.see(stored, performance.now());
  }
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const folded = Number(run('SELECT countMerge(calls) FROM peer.minutes').trim());
  process.stdout.write(JSON.stringify({ stored, secs, cpuSecs: (cpu.user + cpu.system) / 1e6, folded, steadyRate: steady.rate }) + '\n');
  process.exit(0);
}

if (process.argv[2] === '--peer-child') {
  await peerChild(process.argv[3]!, Number(process.argv[4]), process.argv[5]!);
}

// ---------------------------------------------------------------------------
// The driver.

const { createKafkaBus, provisionKafka, startLocalBroker } = await import('@mcpg/bus');
const { TOPICS, toolCallCodec } = await import('@mcpg/events');

const events = Number(arg('events', '1000000'));
const rounds = Number(arg('rounds', '2'));
const kafkaPort = Number(arg('kafka-port', '19393'));
// --no-peer: the workers only (e.g. for a profile run).
const withPeer = !process.argv.includes('--no-peer');
// --profile DIR: each worker writes a V8 CPU profile to DIR/<label> (bench/cpu-profile-summary.ts reads it).
const profileDir = arg('profile', '');
// --instances K: worker processes per contender, one consumer group; --partitions P: of the backlog's topics.
const instances = Number(arg('instances', '1'));
const partitions = Number(arg('partitions', '6'));
const workers = arg('worker', `mcpg=${process.cwd()}`)
  .split(',')
  .map((w) => {
    const [label, root] = w.split('=');
    if (!label || !root) throw new Error(`--worker wants label=<checkout>, got ${w}`);
    return { label, root: resolve(root) };
  });
const workerEnv = new Map<string, Record<string, string>>();
for (const e of arg('worker-env', '').split(',').filter(Boolean)) {
  const m = /^([^:]+):([A-Z0-9_]+)=(.*)$/.exec(e);
  if (!m) throw new Error(`--worker-env wants label:NAME=value, got ${e}`);
  workerEnv.set(m[1]!, { ...workerEnv.get(m[1]!), [m[2]!]: m[3]! });
}

const execFileP = promisify(execFile);
const uptime = async () => (await execFileP('uptime')).stdout.trim().replace(/^.*load/, 'load');
const work = mkdtempSync(join(tmpdir(), 'mcpg-ingest-peer-'));
const children = new Set<ChildProcess>();
/** Numbers each contender's run: data directories, groups and ports. */
let runNo = 0;
let stopBroker = async (): Promise<void> => {};
const cleanup = async () => {
  for (const c of children) c.kill('SIGKILL');
  await stopBroker().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {
  await provisionKafka({ quiet: true });
  const broker = await startLocalBroker({ port: kafkaPort, dataDir: join(work, 'kafka') });
  stopBroker = () => broker.stop();
  const brokers = broker.brokers.join(',');
  console.log(`ingest vs the Kafka engine — ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${new Date().toISOString()}`);

  // The backlog: the simulator (as gateways send), then the same events as JSON.
  const t = performance.now();
  const sim = await execFileP(process.execPath, ['bin/mcpg.mjs', 'sim', '--kafka-brokers', brokers, '--total', String(events), '--rate', '1000000', '--audit', 'false', '--log-level', 'warn', '--partitions', String(partitions)], { maxBuffer: 1 << 24 });
  if (!/sent \d+ tool calls/.test(sim.stdout)) throw new Error(`unexpected simulator output: ${sim.stdout}${sim.stderr}`);
  const copied = withPeer ? await copyAsJson(brokers) : 0;
  console.log(`${instances} worker process(es) per run, ${partitions} partitions`);
  console.log(`backlog: ${events} Avro events on ${TOPICS.calls}, ${copied} JSON copies on ${JSON_TOPIC} (${((performance.now() - t) / 1000).toFixed(0)} s to build)`);
  console.log('round  contender            events/s  (from ready)  (20-80%)  CPU s per 1M  (JS thread)  rows     load');

  const results = new Map<string, number[]>();
  for (let round = 1; round <= rounds; round++) {
    // Alternate: the peer first in even rounds, the workers' order reversed too.
    const order: (string | { label: string; root: string })[] = withPeer ? [...workers, 'peer'] : [...workers];
    if (round % 2 === 0) order.reverse();
    for (const c of order) {
      const r = typeof c === 'string' ? await runPeer(brokers) : await runWorker(brokers, c.label, c.root);
      const label = typeof c === 'string' ? 'Kafka engine + 2 MVs' : c.label;
      results.set(label, [...(results.get(label) ?? []), r.rate]);
      const fmt = (x: number | undefined) => (x ? Math.round(x).toLocaleString('en') : '');
      console.log(
        `${String(round).padEnd(6)} ${label.padEnd(20)} ${fmt(r.rate).padStart(8)}  ${fmt(r.readyRate).padStart(12)}  ${fmt(r.steadyRate).padStart(8)}  ${(r.cpuSecs / (r.stored / 1e6)).toFixed(1).padStart(12)}  ${(r.jsSecs === undefined ? '' : (r.jsSecs / (r.stored / 1e6)).toFixed(1)).padStart(11)}  ${String(r.stored).padEnd(8)} ${await uptime()}`,
      );
    }
  }
  const peer = results.get('Kafka engine + 2 MVs') ?? [];
  const best = (xs: number[]) => Math.max(...xs);
  for (const w of peer.length ? workers : []) {
    const mine = results.get(w.label) ?? [];
    const pairs = mine.map((m, i) => (peer[i] ? (m / peer[i]!).toFixed(2) : '?')).join(', ');
    console.log(`${w.label}: best ${Math.round(best(mine)).toLocaleString('en')}/s vs peer best ${Math.round(best(peer)).toLocaleString('en')}/s = ${(best(mine) / best(peer)).toFixed(2)}×; per round ${pairs}`);
  }
} finally {
  await cleanup();
}
process.exit(0);

/** Copies the Avro backlog to a JSON topic (same partitions, keys and events); returns how many. */
async function copyAsJson(brokers: string): Promise<number> {
  const bus = createKafkaBus({ brokers: brokers.split(','), clientId: 'bench-copy' });
  const ends = await bus.endOffsets(TOPICS.calls);
  await bus.ensureTopics([{ name: JSON_TOPIC, partitions: ends.size }]);
  const producer = await bus.producer();
  const consumer = await bus.consumer({ groupId: `bench-copy-${Date.now()}`, topics: [TOPICS.calls], fromBeginning: true });
  let copied = 0;
  await new Promise<void>((done, fail) => {
    consumer
      .start(async (batch) => {
        const out = batch.messages.map((m) => ({ key: m.key, value: Buffer.from(JSON.stringify(toolCallCodec.decode(m.value))) }));
        for (let i = 0; i < out.length; i += 5000) await producer.send(JSON_TOPIC, out.slice(i, i + 5000));
        copied += out.length;
        if (copied >= events) done();
      })
      .catch(fail);
  });
  await consumer.close();
  await producer.close();
  await bus.close();
  return copied;
}

interface Run {
  stored: number;
  rate: number;
  readyRate?: number;
  /** Between 20% and 80% of the backlog stored (SteadyRate). */
  steadyRate?: number;
  cpuSecs: number;
  /** Of cpuSecs, the worker's JS thread (workers only). */
  jsSecs?: number;
}

/** CPU seconds from a /proc stat file: utime + stime in clock ticks (USER_HZ = 100). */
function statCpu(file: string): number {
  const stat = readFileSync(file, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** CPU seconds of a live process (all its threads), from /proc. */
function processCpu(pid: number): number {
  return statCpu(`/proc/${pid}/stat`);
}

/**
 * CPU seconds of a worker's JS thread alone (the main thread's task has the
 * process's id); the rest of the process is the engine's threads (and V8's
 * and libuv's helpers): how the worker's cost splits between our code and
 * the inserts it asks of the engine.
 */
function jsThreadCpu(pid: number): number {
  return statCpu(`/proc/${pid}/task/${pid}/stat`);
}

function waitExit(c: ChildProcess): Promise<void> {
  return c.exitCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', () => r()));
}

async function runWorker(brokers: string, label: string, root: string): Promise<Run> {
  const run = ++runNo;
  const t0 = performance.now();
  // `instances` processes in one consumer group, each with its own data
  // directory (chdb binds one per process): the partitions are split among them.
  const procs = Array.from({ length: instances }, (_, i) => {
    const dir = join(work, `worker-${run}-${i}`);
    const port = 39000 + (process.pid % 400) + run * 4 + i;
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, label)}`] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'apps/rollup-worker/src/main.ts'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        MCPG_KAFKA_BROKERS: brokers,
        MCPG_DATA_DIR: dir,
        MCPG_WORKER_HTTP_PORT: String(port),
        MCPG_WORKER_GROUP: `bench-${label}-${run}`,
        MCPG_LOG_LEVEL: 'warn',
        ...workerEnv.get(label),
      },
    });
    children.add(child);
    const p = { child, dir, port, stderr: '', stored: 0, cpu: 0, cpuAtReady: 0, js: 0, jsAtReady: 0, ready: false };
    child.stderr!.on('data', (d: Buffer) => (p.stderr = (p.stderr + d.toString()).slice(-4000)));
    return p;
  });
  let tReady: number | undefined;
  let stored = 0;
  const steady = new SteadyRate(events);
  const deadline = Date.now() + 900_000;
  while (stored < events && Date.now() < deadline) {
    await sleep(250);
    for (const p of procs) {
      if (p.child.exitCode !== null) throw new Error(`worker ${label} exited ${p.child.exitCode}: ${p.stderr}`);
      try {
        if (!p.ready && (await fetch(`http://127.0.0.1:${p.port}/readyz`)).ok) {
          p.ready = true;
          p.cpuAtReady = processCpu(p.child.pid!);
          p.jsAtReady = jsThreadCpu(p.child.pid!);
          if (procs.every((x) => x.ready)) tReady = performance.now();
        }
        const text = await (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text();
        // Call rows stored (tool_invocations), not rollup rows: the sink counts a message's decoded rows.
        const m = /^mcpg_worker_rows_written_total(?:\{[^}]*\})? (\d+)/m.exec(text);
        p.stored = m ? Number(m[1]) : 0;
        p.cpu = processCpu(p.child.pid!);
        p.js = jsThreadCpu(p.child.pid!);
      } catch {
        // not listening yet
      }
    }
    stored = procs.reduce((n, p) => n + p.stored, 0);
    steady.see(stored, performance.now());
  }
  const t1 = performance.now();
  for (const p of procs) p.child.kill('SIGTERM');
  for (const p of procs) {
    await waitExit(p.child);
    children.delete(p.child);
    rmSync(p.dir, { recursive: true, force: true });
  }
  const cpuSecs = procs.reduce((n, p) => n + p.cpu - p.cpuAtReady, 0);
  const jsSecs = procs.reduce((n, p) => n + p.js - p.jsAtReady, 0);
  return { stored, rate: stored / ((t1 - t0) / 1000), readyRate: tReady ? stored / ((t1 - tReady) / 1000) : undefined, steadyRate: steady.rate, cpuSecs, jsSecs };
}

async function runPeer(brokers: string): Promise<Run> {
  const dir = join(work, `peer-${++runNo}`);
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--peer-child', brokers, String(events), dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  await waitExit(child);
  children.delete(child);
  rmSync(dir, { recursive: true, force: true });
  const line = out.trim().split('\n').at(-1);
  if (!line?.startsWith('{')) throw new Error(`peer failed: ${err}`);
  const r = JSON.parse(line) as { stored: number; secs: number; cpuSecs: number; folded: number; steadyRate?: number };
  if (r.folded !== r.stored) console.log(`peer: ${r.stored} calls stored but ${r.folded} folded into minutes`);
  // Like the workers': from the process start (the engine's start and DDL included) and from the views.
  return { stored: r.stored, rate: r.stored / ((performance.now() - t0) / 1000), readyRate: r.stored / r.secs, steadyRate: r.steadyRate, cpuSecs: r.cpuSecs };
}
