// Renders 10,000 label sets × 6 series (60k sample lines), as DESIGN.md §10
// measured prom-client doing (p50 217 ms, p99 331 ms), and prints p50/p99 for
// this writer, for the same writer joining an array, and for prom-client.
//   node --expose-gc --import tsx bench/exposition-render.ts [labelSets=10000]
import { Counter, Registry } from 'prom-client';
import { escapeLabelValue, ExpositionWriter, labelRenderer, renderLabel } from '@mcpg/exposition';

const sets = Number(process.argv[2] ?? 10_000);
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

function writer(): string {
  const labels = rows.map((r) => render([r.org, r.workspace, r.plugin, r.tool]));
  const w = new ExpositionWriter();
  w.family({ name: 'mcpg_tool_calls_total', help: 'Tool calls', type: 'counter' });
  rows.forEach((r, i) => w.sample(labels[i]!, r.calls));
  w.family({ name: 'mcpg_tool_errors_total', help: 'Tool errors', type: 'counter' });
  rows.forEach((r, i) => w.sample(labels[i]!, r.errors));
  w.family({ name: 'mcpg_tool_tokens_total', help: 'Tokens', type: 'counter' });
  rows.forEach((r, i) => w.sampleWith(labels[i]!, dirIn, r.tin).sampleWith(labels[i]!, dirOut, r.tout));
  w.family({ name: 'mcpg_tool_latency_ms', help: 'Latency', type: 'summary' });
  rows.forEach((r, i) => w.sampleWith(labels[i]!, q50, r.p50).sampleWith(labels[i]!, q99, r.p99));
  return w.text();
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

// Round-robin with a collection before each run (when started with
// --expose-gc), so one variant's garbage is not billed to the next.
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const variants: [string, () => string | Promise<string>][] = [
  ['ExpositionWriter', writer],
  ['hand-written templates + join', arrayJoin],
  ['prom-client registry.metrics()', () => registry.metrics()],
];
const times = new Map<string, number[]>(variants.map(([name]) => [name, []]));
let bytes = 0;
for (let round = 0; round < 33; round++) {
  for (const [name, fn] of variants) {
    gc();
    const t = performance.now();
    bytes = Buffer.byteLength(await fn()); // encoding flattens the string, as sending does
    if (round >= 3) times.get(name)!.push(performance.now() - t);
  }
}
console.log(`${sets} label sets x 6 series = ${sets * 6} lines, ${(bytes / 1e6).toFixed(1)} MB; node ${process.version}`);
for (const [name, ts] of times) {
  ts.sort((a, b) => a - b);
  const q = (p: number) => ts[Math.min(ts.length - 1, Math.floor(p * ts.length))]!.toFixed(1);
  console.log(`${name.padEnd(32)} p50 ${q(0.5)} ms  p99 ${q(0.99)} ms`);
}
