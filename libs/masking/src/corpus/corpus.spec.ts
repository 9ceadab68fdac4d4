import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createMasker } from '../masker.ts';
import { CONTEXTS } from './contexts.ts';
import { evaluateCorpus, leaksSecret } from './evaluate.ts';
import { lookAlikes } from './look-alikes.ts';
import { secretSamples } from './secret-samples.ts';

const m = createMasker();

test('the corpus is as large as promised: ≥ 60 secrets, ≥ 40 look-alikes, several contexts each', () => {
  const r = evaluateCorpus(m);
  assert.ok(r.secrets >= 60, `${r.secrets} secrets`);
  assert.ok(r.lookAlikes >= 40, `${r.lookAlikes} look-alikes`);
  assert.ok(r.secretCases >= r.secrets * 7);
  assert.ok(r.lookAlikeCases >= r.lookAlikes * 7);
});

test('every secret is masked in every context (recall 1), under its expected placeholder', () => {
  const r = evaluateCorpus(m);
  assert.deepEqual(r.leaks, []);
  assert.deepEqual(r.wrongKind, []);
  assert.equal(r.recall, 1);
});

test('no look-alike is touched (precision 1)', () => {
  const r = evaluateCorpus(m);
  assert.deepEqual(r.altered, []);
  assert.equal(r.precision, 1);
});

test('other seeds give the same verdicts (the corpus is not tuned to one draw)', () => {
  for (let seed = 1; seed <= 20; seed++) {
    for (const s of secretSamples(seed)) {
      for (const ctx of CONTEXTS) {
        const input = ctx.build(s);
        if (input === undefined) continue;
        const out = ctx.kind === 'text' ? m.maskText(input as string) : JSON.stringify(m.maskJson(input));
        assert.ok(!leaksSecret(out, s.secret), `seed ${seed} ${s.id} in ${ctx.name}: ${out.slice(0, 200)}`);
      }
    }
    for (const a of lookAlikes(seed)) {
      assert.equal(m.maskText(a.text), a.text, `seed ${seed} ${a.id}`);
      const json = { [a.key]: a.value };
      assert.equal(m.maskJson(json), json, `seed ${seed} ${a.id} as JSON`);
    }
  }
});

test('masked corpus output is a fixed point: masking it again changes nothing', () => {
  for (const s of secretSamples()) {
    for (const ctx of CONTEXTS) {
      const input = ctx.build(s);
      if (input === undefined) continue;
      if (ctx.kind === 'text') {
        const once = m.maskText(input as string);
        assert.equal(m.maskText(once), once, `${s.id} in ${ctx.name}`);
      } else {
        const once = m.maskJson(input);
        assert.deepEqual(m.maskJson(once), once, `${s.id} in ${ctx.name}`);
      }
    }
  }
});

test('a leak is any 8-character piece of the secret, not only the whole', () => {
  assert.equal(leaksSecret('…abcdefgh…', 'XXabcdefghYY'), true);
  assert.equal(leaksSecret('…abcdefg…', 'XXabcdefghYY'), false);
  assert.equal(leaksSecret('line1', 'abc\nline1xyz'), false);
});
