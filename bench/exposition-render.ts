// Renders 10,000 label sets × 6 series (60k sample lines), as DESIGN.md §10
// measured prom-client doing (p50 217 ms, p99 331 ms), and prints p50/p99 for
// - the writer fed label sets from a LabelSetCache (the fleet endpoint's
//   path: sets rendered and encoded once, reused across scrapes; output
//   buffers reused through a BufferPool), a family at a time with samples(),
//   and line by line with sample()/sampleWith();
// - the writer given label strings rendered per scrape (the API's calls today);
// - hand-written templates joined into one string; and prom-client.
// Each run ends with the bytes to send. Each variant runs in its own process
// (no variant's garbage or JIT state is billed to another), with a full
// collection and a short pause before every run, so each render starts from
// the cold state a scrape every few seconds meets. Wall time and the
// process's CPU time are printed (the machine is shared: wall includes waiting).
//   node --import tsx bench/exposition-render.ts [labelSets=10000] [rounds=100]
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Counter, Registry } from 'prom-client';
import { BufferPool, escapeLabelValue, ExpositionWriter, LabelSetCache, labelRenderer, renderLabel, type MetricFamily } from '@mcpg/exposition';
const sets = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 100);
const only = process.argv[4];
const rows = Array.from({ length: sets }, (_, i) => ({
  org: 'acme',
  workspace: `workspace-${i % 20}`,
  plugin: `plugin-${i % 50}`,
  tool: `tool_${i}_"quoted"`,
  calls: i * 17,
  errors: i % 13,
  tin: i * 100,
  tout: i * 300,
  p50: 12.5,
  p99: 250.25,
}));
const families = [
  ['mcpg_tool_calls_total', 'counter'],
  ['mcpg_tool_errors_total', 'counter'],
  ['mcpg_tool_tokens_total', 'counter'],
  ['mcpg_tool_latency_ms', 'summary'],
] as const;

const render = labelRenderer(['org', 'workspace', 'plugin', 'tool']);
const [dirIn, dirOut, q50, q99] = [renderLabel('direction', 'in'), renderLabel('direction', 'out'), renderLabel('quantile', '0.5'), renderLabel('quantile', '0.99')];
const CALLS: MetricFamily = { name: 'mcpg_tool_calls_total', help: 'Tool calls', type: 'counter' };
const ERRORS: MetricFamily = { name: 'mcpg_tool_errors_total', help: 'Tool errors', type: 'counter' };
const TOKENS: MetricFamily = { name: 'mcpg_tool_tokens_total', help: 'Tokens', type: 'counter' };
const LATENCY: MetricFamily = { name: 'mcpg_tool_latency_ms', help: 'Latency', type: 'summary' };

// One cache and one buffer pool for the process, as the API keeps them. Rows
// are looked up by their values on every scrape, as rows fresh from the store
// would be. The previous render's buffer goes back to the pool when the next
// one starts (an HTTP route releases it when the response has been sent).
const cache = new LabelSetCache(['org', 'workspace', 'plugin', 'tool']);
const pool = new BufferPool();
let previous: ExpositionWriter | undefined;

// The values array is only read by get(), so one is reused for every row.
const key = ['', '', '', ''];
function cachedLabels() {
  return rows.map((r) => {
    key[0] = r.org;
    key[1] = r.workspace;
    key[2] = r.plugin;
    key[3] = r.tool;
    return cache.get(key);
  });
}

function cachedWriter(): Buffer {
  previous?.release();
  const labels = cachedLabels();
  const w = new ExpositionWriter({ pool });
  previous = w;
  // A family's samples may come in any order: all `in` lines, then all `out`.
  w.family(CALLS).samples(labels, (i) => rows[i]!.calls);
  w.family(ERRORS).samples(labels, (i) => rows[i]!.errors);
  w.family(TOKENS)
    .samples(labels, (i) => rows[i]!.tin, dirIn)
    .samples(labels, (i) => rows[i]!.tout, dirOut);
  w.family(LATENCY)
    .samples(labels, (i) => rows[i]!.p50, q50)
    .samples(labels, (i) => rows[i]!.p99, q99);
  return w.bytes();
}

// The same writer line by line with sample()/sampleWith() and cached labels.
function cachedLines(): Buffer {
  previous?.release();
  const labels = cachedLabels();
  const w = new ExpositionWriter({ pool });
  previous = w;
  w.family(CALLS);
  rows.forEach((r, i) => w.sample(labels[i]!, r.calls));
  w.family(ERRORS);
  rows.forEach((r, i) => w.sample(labels[i]!, r.errors));
  w.family(TOKENS);
  rows.forEach((r, i) => w.sampleWith(labels[i]!, dirIn, r.tin).sampleWith(labels[i]!, dirOut, r.tout));
  w.family(LATENCY);
  rows.forEach((r, i) => w.sampleWith(labels[i]!, q50, r.p50).sampleWith(labels[i]!, q99, r.p99));
  return w.bytes();
}

function stringWriter(): Buffer {
  const labels = rows.map((r) => render([r.org, r.workspace, r.plugin, r.tool]));
  const w = new ExpositionWriter();
  w.family(CALLS);
  rows.forEach((r, i) => w.sample(labels[i]!, r.calls));
  w.family(ERRORS);
  rows.forEach((r, i) => w.sample(labels[i]!, r.errors));
  w.family(TOKENS);
  rows.forEach((r, i) => w.sampleWith(labels[i]!, dirIn, r.tin).sampleWith(labels[i]!, dirOut, r.tout));
  w.family(LATENCY);
  rows.forEach((r, i) => w.sampleWith(labels[i]!, q50, r.p50).sampleWith(labels[i]!, q99, r.p99));
  return w.bytes();
}

function arrayJoin(): string {
  const parts: string[] = [];
  const lbl = rows.map((r) => `org="${escapeLabelValue(r.org)}",workspace="${escapeLabelValue(r.workspace)}",plugin="${escapeLabelValue(r.plugin)}",tool="${escapeLabelValue(r.tool)}"`);
  for (const [name, type] of families) {
    parts.push(`# HELP ${name} x\n# TYPE ${name} ${type}\n`);
    rows.forEach((r, i) => {
      if (name === 'mcpg_tool_tokens_total') parts.push(`${name}{${lbl[i]},direction="in"} ${r.tin}\n`, `${name}{${lbl[i]},direction="out"} ${r.tout}\n`);
      else if (name === 'mcpg_tool_latency_ms') parts.push(`${name}{${lbl[i]},quantile="0.5"} ${r.p50}\n`, `${name}{${lbl[i]},quantile="0.99"} ${r.p99}\n`);
      else parts.push(`${name}{${lbl[i]}} ${name === 'mcpg_tool_calls_total' ? r.calls : r.errors}\n`);
    });
  }
  return parts.join('');
}

const registry = new Registry();
const c: Counter<string>[] = [
  new Counter({ name: 'mcpg_tool_calls_total', help: 'x', labelNames: ['org', 'workspace', 'plugin', 'tool'], registers: [registry] }),
  new Counter({ name: 'mcpg_tool_errors_total', help: 'x', labelNames: ['org', 'workspace', 'plugin', 'tool'], registers: [registry] }),
  new Counter({ name: 'mcpg_tool_tokens_total', help: 'x', labelNames: ['org', 'workspace', 'plugin', 'tool', 'direction'], registers: [registry] }),
  new Counter({ name: 'mcpg_tool_latency_ms', help: 'x', labelNames: ['org', 'workspace', 'plugin', 'tool', 'quantile'], registers: [registry] }),
];
for (const r of rows) {
  const l = { org: r.org, workspace: r.workspace, plugin: r.plugin, tool: r.tool };
  c[0]!.inc(l, r.calls + 1);
  c[1]!.inc(l, r.errors + 1);
  c[2]!.inc({ ...l, direction: 'in' }, r.tin + 1);
  c[2]!.inc({ ...l, direction: 'out' }, r.tout + 1);
  c[3]!.inc({ ...l, quantile: '0.5' }, r.p50);
  c[3]!.inc({ ...l, quantile: '0.99' }, r.p99);
}

const variants: [string, () => string | Buffer | Promise<string>][] = [
  ['writer.samples(), cached labels', cachedWriter],
  ['writer.sample(), cached labels', cachedLines],
  ['writer.sample(), label strings', stringWriter],
  ['hand-written templates + join', arrayJoin],
  ['prom-client registry.metrics()', () => registry.metrics()],
];
const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!.toFixed(1);

if (only === undefined) {
  // Parent: one child process per variant.
  console.log(`${sets} label sets x 6 series = ${sets * 6} lines, ${rounds} runs each after 3 warm-up runs; node ${process.version}`);
  const self = fileURLToPath(import.meta.url);
  for (const [name] of variants) {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, String(sets), String(rounds), name], { encoding: 'utf8' });
    process.stdout.write(out);
  }
} else {
  const [name, fn] = variants.find(([n]) => n === only) ?? [];
  if (!name || !fn) throw new Error(`unknown variant ${only}`);
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const wall: number[] = [];
  const cpu: number[] = [];
  let bytes = 0;
  for (let round = 0; round < rounds + 3; round++) {
    gc();
    // Let the collector's background threads (sweeping, unmapping) finish:
    // on two cores they would otherwise compete with the run.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const t = performance.now();
    const c = process.cpuUsage();
    const out = await fn();
    bytes = typeof out === 'string' ? Buffer.from(out).length : out.length; // encoding flattens a string, as sending does
    if (round >= 3) {
      wall.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  console.log(
    `${name.padEnd(32)} p50 ${quantile(wall, 0.5).padStart(5)} ms  p99 ${quantile(wall, 0.99).padStart(5)} ms   ` +
      `(cpu p50 ${quantile(cpu, 0.5)} ms, p99 ${quantile(cpu, 0.99)} ms; ${(bytes / 1e6).toFixed(1)} MB)`,
  );
}
