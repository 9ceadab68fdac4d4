// Summarises a V8 CPU profile (node --cpu-prof): the functions with the most
// self time, and time by package inclusive of everything they call (a frame
// counts once per sample however deep it recurses).
// Run: node --import tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top N]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [top N]');
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** The package a frame belongs to: node_modules/<pkg>, node:<module>, the project's own path, or a V8 pseudo-frame. */
function packageOf(url: string, fn: string): string {
  if (!url) return `(${fn || 'native'})`;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return url;
  const own = /\/(libs\/[^/]+|apps\/[^/]+|test\/fixtures)\//.exec(url);
  return own ? own[1]! : url;
}
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^.*\/(libs|apps|test)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const leaf = byId.get(id)!;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let n: ProfileNode | undefined = leaf; n; n = byId.get(parent.get(n.id) ?? -1)) {
    const pkg = packageOf(n.callFrame.url, n.callFrame.functionName);
    if (!seen.has(pkg)) {
      seen.add(pkg);
      inclusive.set(pkg, (inclusive.get(pkg) ?? 0) + dt);
    }
  }
});

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const idle = self.get(label(profile.nodes.find((n) => n.callFrame.functionName === '(idle)') ?? profile.nodes[0]!)) ?? 0;
console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled, ${pct(idle)} idle`);
console.log('\nself time, top functions:');
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
console.log('\ninclusive time by package:');
for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
