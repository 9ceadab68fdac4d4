#!/usr/bin/env node
// The one test command (`npm test`): lint, typecheck, then unit, integration and
// end-to-end tests with Node's test runner. Integration and end-to-end tests
// need a real Kafka broker: unless MCPG_TEST_KAFKA_BROKERS points at one, this
// script provisions and starts a single-node KRaft broker on loopback for the
// run and stops it afterwards.
import { spawnSync } from 'node:child_process';
import { readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { register } from 'tsx/esm/api';
import { ensureSystemDeps } from './system-deps.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;
// Any other arguments pick spec files by path (e.g. `npm test -- libs/api`), for
// running the specs of one change; lint and typecheck are skipped with them.
const picked = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--only');

function findSpecs() {
  const skip = new Set(['node_modules', 'data', 'dist', '.nx', '.git', 'target']);
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.spec.ts')) out.push(p.slice(root.length));
    }
  };
  for (const top of ['libs', 'apps', 'infra', 'test', 'tools']) {
    try { walk(join(root, top)); } catch { /* folder may not exist yet */ }
  }
  return out.sort();
}

function run(cmd, cmdArgs, env = process.env) {
  console.log(`\n$ ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env });
  return r.status ?? 1;
}

const specs = findSpecs();
const isE2e = (f) => f.startsWith(`test${sep}`);
const isInt = (f) => f.endsWith('.int.spec.ts');
const unit = specs.filter((f) => !isE2e(f) && !isInt(f));
const real = specs.filter((f) => isE2e(f) || isInt(f));

if (!only && picked.length === 0) {
  if (run(process.execPath, ['tools/lint.mjs']) !== 0) process.exit(1);
  if (run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) process.exit(1);
  // The console's browser code has its own compiler settings (DOM, JSX).
  if (run('npx', ['tsc', '-p', 'libs/console/web/tsconfig.json']) !== 0) process.exit(1);
}

const byKind = only === 'unit' ? unit : only === 'real' ? real : [...unit, ...real];
const selected = picked.length === 0 ? byKind : byKind.filter((f) => picked.some((p) => f.startsWith(p.replace(/^\.\//, ''))));
if (selected.length === 0) {
  console.error(`no spec matches ${picked.join(' ')}`);
  process.exit(1);
}
const problem = ensureSystemDeps();
if (problem) {
  console.error(problem);
  process.exit(1);
}

let broker = null;
const env = { ...process.env };
if (selected.some((f) => real.includes(f)) && !env.MCPG_TEST_KAFKA_BROKERS) {
  register({ tsconfig: join(root, 'tsconfig.json') });
  const { startLocalBroker } = await import('../libs/bus/src/index.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'mcpg-test-kafka-'));
  broker = await startLocalBroker({ port: Number(env.MCPG_TEST_KAFKA_PORT ?? 19192), dataDir });
  env.MCPG_TEST_KAFKA_BROKERS = broker.brokers.join(',');
  console.log(`test broker on ${env.MCPG_TEST_KAFKA_BROKERS}`);
  process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
}

let status = 0;
try {
  // One file at a time: the embedded ClickHouse binds one data directory per
  // process, and two cores are better spent on the broker than on parallel files.
  // --test-force-exit: a file whose tests and hooks have all finished ends even
  // if a client left a timer behind (a Kafka consumer retrying a broker the test
  // already stopped kept one file's process alive with every test passed), so
  // such a leak can never hold the whole run until its time limit.
  status = run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-force-exit', '--test-reporter=spec', ...selected], env);
} finally {
  if (broker) await broker.stop();
}
process.exit(status);
