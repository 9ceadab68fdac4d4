// Compares two pure-JS tokenizers on gateway-shaped text (tool arguments and
// results as JSON): load time, throughput, and whether their counts agree
// (both implement OpenAI's o200k_base BPE, so counts must be identical).
// Run: node --import tsx bench/tokenizers.ts
import { performance } from 'node:perf_hooks';

function sampleTexts(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 400; i++) {
    out.push(JSON.stringify({ query: `select * from orders where id = ${i} and status = 'open'`, limit: 50, cursor: `c${i}` }));
    out.push(
      JSON.stringify({
        content: [{ type: 'text', text: `Found ${i} repositories:\n` + Array.from({ length: 20 }, (_, j) => `- org/repo-${j} ★${j * 7} updated 2026-11-${(j % 28) + 1}`).join('\n') }],
      }),
    );
    out.push(`Error: ECONNREFUSED 10.0.${i % 255}.1:5432 — retry in ${i} ms. Stack: at Socket.connect (net.js:${i})`);
  }
  return out;
}

async function measure(name: string, load: () => Promise<(text: string) => number>, texts: string[]) {
  const t0 = performance.now();
  const count = await load();
  const loadMs = performance.now() - t0;
  for (const t of texts.slice(0, 100)) count(t); // warm-up
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const rounds = 5;
  const t1 = performance.now();
  let tokens = 0;
  for (let r = 0; r < rounds; r++) for (const t of texts) tokens += count(t);
  const ms = performance.now() - t1;
  const mbs = (bytes * rounds) / 1e6 / (ms / 1000);
  console.log(`${name.padEnd(14)} load ${loadMs.toFixed(0).padStart(5)} ms   ${mbs.toFixed(2)} MB/s   ${((ms * 1000) / (texts.length * rounds)).toFixed(1)} µs/text   tokens ${tokens / rounds}`);
  return texts.map(count);
}

const texts = sampleTexts();
const a = await measure('gpt-tokenizer', async () => {
  const m = await import('gpt-tokenizer/encoding/o200k_base');
  return (t) => m.countTokens(t);
}, texts);
// js-tiktoken is only needed to repeat the comparison, so it is not a
// dependency: `npm install --no-save js-tiktoken` first.
const lite = 'js-tiktoken/lite';
const o200k = 'js-tiktoken/ranks/o200k_base';
try {
  const b = await measure('js-tiktoken', async () => {
    const { Tiktoken } = (await import(lite)) as { Tiktoken: new (ranks: unknown) => { encode(t: string): number[] } };
    const ranks = ((await import(o200k)) as { default: unknown }).default;
    const enc = new Tiktoken(ranks);
    return (t) => enc.encode(t).length;
  }, texts);
  const differ = a.filter((n, i) => n !== b[i]).length;
  console.log(`texts ${texts.length}, counts differing: ${differ}`);
} catch (e) {
  if ((e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw e;
  console.log('js-tiktoken is not installed: npm install --no-save js-tiktoken to compare');
}
