// The Dockerfile cannot be built here (no engine), so its invariants are
// checked by reading it: multi-stage with production dependencies only, a
// small final stage running as a non-root numeric user, an entry point that
// selects the app, and a build context that carries no secrets or local state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
// Instructions with their continuation lines joined, comments dropped.
const instructions = readFileSync(join(root, 'Dockerfile'), 'utf8')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    return { op: op!.toUpperCase(), args: rest.join(' ') };
  });
const stages: { from: string; body: { op: string; args: string }[] }[] = [];
for (const i of instructions) {
  if (i.op === 'FROM') stages.push({ from: i.args, body: [] });
  else stages.at(-1)?.body.push(i);
}
const final = stages.at(-1)!;
const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

test('multi-stage: dependencies installed with npm ci --omit=dev in a build stage, copied into the final one', () => {
  assert.ok(stages.length >= 2, 'at least two stages');
  const deps = stages.find((s) => / AS deps$/i.test(s.from))!;
  assert.ok(deps.body.some((i) => i.op === 'RUN' && /\bnpm ci\b.*--omit=dev/.test(i.args)), 'npm ci --omit=dev');
  assert.ok(final.body.some((i) => i.op === 'COPY' && i.args.startsWith('--from=deps /app/node_modules')));
  // The final stage installs nothing with npm and drops npm itself.
  assert.ok(!final.body.some((i) => i.op === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args)));
  assert.ok(final.body.some((i) => i.op === 'RUN' && i.args.includes('rm -rf /usr/local/lib/node_modules/npm')));
});

test('the final stage runs as a numeric non-root user', () => {
  const users = final.body.filter((i) => i.op === 'USER');
  assert.equal(users.length, 1);
  const [uid] = users[0]!.args.split(':');
  assert.match(uid!, /^\d+$/, 'numeric, so Kubernetes can enforce runAsNonRoot');
  assert.notEqual(Number(uid), 0);
  // Nothing runs as root after USER.
  const after = final.body.slice(final.body.indexOf(users[0]!) + 1);
  assert.ok(!after.some((i) => i.op === 'RUN'), 'no RUN after USER');
});

test('the entry point selects the app, and every file it runs is in the image', () => {
  const entry = final.body.find((i) => i.op === 'ENTRYPOINT')!;
  assert.deepEqual(JSON.parse(entry.args), ['/usr/bin/tini', '--', 'mcpg-entrypoint']);
  const copies = final.body.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'));
  const copied = copies.flatMap((i) => i.args.split(/\s+/).slice(0, -1));
  assert.ok(copies.some((i) => i.args === 'infra/docker/entrypoint.sh /usr/local/bin/mcpg-entrypoint'));
  for (const needed of ['bin', 'apps', 'libs', 'schemas', 'tsconfig.json', 'tsconfig.base.json', 'package.json', 'infra/gateway']) {
    assert.ok(copied.includes(needed), `${needed} is not copied into the image`);
  }
  for (const source of copied) {
    assert.ok(existsSync(join(root, source)), `COPY ${source}: no such path`);
    assert.ok(!ignore.includes(source), `COPY ${source} is excluded by .dockerignore`);
  }
});

test('the build context leaves out secrets, local state and dependencies', () => {
  for (const p of ['.env', 'secrets', '*.key', 'node_modules', '.git', 'data', 'test', '**/*.spec.ts']) assert.ok(ignore.includes(p), `.dockerignore lacks ${p}`);
});
