// Secret masking throughput: maskText over a realistic mix of gateway traffic
// (JSON tool arguments, log lines, tool results in prose and code; 5% of
// documents carry one secret from the corpus), the cost per 1 KB JSON
// argument through maskJson and through maskText, the 1 MiB adversarial
// inputs, construction cost, and the corpus precision/recall.
//   node --import tsx bench/masking.ts [megabytes=8]
import { createMasker } from '@mcpg/masking';
import { ADVERSARIAL } from '../libs/masking/src/corpus/adversarial-inputs.ts';
import { CONTEXTS } from '../libs/masking/src/corpus/contexts.ts';
import { evaluateCorpus } from '../libs/masking/src/corpus/evaluate.ts';
import { ALPHABETS as A, prng } from '../libs/masking/src/corpus/prng.ts';
import { secretSamples } from '../libs/masking/src/corpus/secret-samples.ts';

const targetBytes = Number(process.argv[2] ?? 8) * 1e6;
const r = prng(42);
const hex = (n: number) => r.chars(A.hex, n);
const pick = <T>(xs: readonly T[]): T => xs[r.int(xs.length)]!;
const WORDS = 'the gateway forwards each call to the upstream server and records latency tokens and the policy decision for audit while the worker folds events into rollups'.split(' ');
const prose = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');

/** ~1 KB of JSON tool arguments, as an MCP client sends them. */
function jsonArgument(): Record<string, unknown> {
  return {
    query: `SELECT id, email, created_at FROM users WHERE org_id = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT ${r.int(100)}`,
    params: [`${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`, '2025-01-15T09:26:53.589Z'],
    options: { timeout_ms: 5000, trace_id: hex(32), span_id: hex(16), max_tokens: 4096, model: 'claude-3-5-sonnet-20241022' },
    files: Array.from({ length: 3 }, (_, i) => ({ path: `src/app/handlers/handler-${i}.ts`, sha256: hex(64), size: r.int(1e5) })),
    note: prose(40),
  };
}

function logLines(): string {
  return Array.from(
    { length: 8 },
    () => `2025-01-15T09:${r.int(60)}:53.589Z INFO gateway tool=github__list_issues org=acme status=ok duration_ms=${r.int(900)} trace_id=${hex(32)} url=https://api.github.com/repos/acme/gateway/issues?page=${r.int(9)}`,
  ).join('\n');
}

function toolResult(): string {
  return `${prose(60)}\n\nfunction handle(req) {\n  const user = await db.users.find(req.params.id);\n  return { id: user.id, name: user.name, tokens_in: ${r.int(999)} };\n}\n${prose(30)}`;
}

/** One secret from the corpus in one of its text contexts. */
const samples = secretSamples();
function withSecret(): string {
  for (;;) {
    const ctx = pick(CONTEXTS);
    const input = ctx.kind === 'text' ? ctx.build(pick(samples)) : JSON.stringify(ctx.build(pick(samples)));
    if (typeof input === 'string') return input;
  }
}

function corpus(): string[] {
  const docs: string[] = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const k = r.int(100);
    const doc = k < 5 ? `${toolResult()}\n${withSecret()}` : k < 45 ? JSON.stringify(jsonArgument()) : k < 75 ? logLines() : toolResult();
    docs.push(doc);
    bytes += doc.length;
  }
  return docs;
}

function time(f: () => void, minMs = 1000): number {
  f(); // warm up
  let runs = 0;
  const start = performance.now();
  do {
    f();
    runs++;
  } while (performance.now() - start < minMs);
  return (performance.now() - start) / runs;
}

const t0 = performance.now();
const masker = createMasker();
const constructMs = performance.now() - t0;

const docs = corpus();
const bytes = docs.reduce((n, d) => n + d.length, 0);
const clean = docs.filter((d) => masker.maskText(d) === d);
const cleanBytes = clean.reduce((n, d) => n + d.length, 0);
const mixedMs = time(() => docs.forEach((d) => masker.maskText(d)));
const cleanMs = time(() => clean.forEach((d) => masker.maskText(d)));

const args = Array.from({ length: 2000 }, jsonArgument);
const argText = args.map((a) => JSON.stringify(a));
const argBytes = argText.reduce((n, s) => n + s.length, 0) / args.length;
const jsonMs = time(() => args.forEach((a) => masker.maskJson(a)));
const textMs = time(() => argText.forEach((s) => masker.maskText(s)));
const perKb = (ms: number) => ((ms * 1000) / args.length) * (1024 / argBytes);

console.log(`createMasker (compile every rule): ${constructMs.toFixed(1)} ms`);
console.log(`mixed traffic: ${(bytes / 1e6).toFixed(1)} MB in ${docs.length} documents, ${docs.length - clean.length} with secrets`);
console.log(`  maskText, mixed:        ${(bytes / 1e6 / (mixedMs / 1000)).toFixed(1)} MB/s`);
console.log(`  maskText, clean only:   ${(cleanBytes / 1e6 / (cleanMs / 1000)).toFixed(1)} MB/s`);
console.log(`1 KB JSON argument (mean ${argBytes.toFixed(0)} bytes as JSON text):`);
console.log(`  maskJson(object):       ${perKb(jsonMs).toFixed(1)} µs per KB`);
console.log(`  maskText(JSON string):  ${perKb(textMs).toFixed(1)} µs per KB`);

console.log('adversarial 1 MiB inputs (cap raised to 8 MiB / default 64 KiB cap), ms:');
const uncapped = createMasker({ maxLength: 8 << 20 });
for (const [name, input] of Object.entries(ADVERSARIAL)) {
  const full = time(() => uncapped.maskText(input), 300);
  const capped = time(() => masker.maskText(input), 100);
  console.log(`  ${name.padEnd(16)} ${full.toFixed(1).padStart(7)}  ${capped.toFixed(2).padStart(6)}`);
}

const report = evaluateCorpus(createMasker());
console.log(
  `corpus: ${report.secrets} secrets × contexts = ${report.secretCases} cases, ${report.lookAlikes} look-alikes = ${report.lookAlikeCases} cases; ` +
    `recall ${report.recall.toFixed(4)}, precision ${report.precision.toFixed(4)}, look-alikes untouched ${report.untouchedCases}/${report.lookAlikeCases}`,
);
