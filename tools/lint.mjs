#!/usr/bin/env node
// ESLint with Nx module boundaries. The boundaries rule reads Nx's cached
// project graph and silently skips itself when there is none (a fresh clone),
// so compute the graph first; warnings fail the run so a skip cannot pass.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
const opts = { cwd: root, env, stdio: 'inherit' };
const graph = spawnSync('npx', ['nx', 'show', 'projects'], { ...opts, stdio: ['ignore', 'ignore', 'inherit'] });
if (graph.status !== 0) process.exit(graph.status ?? 1);
const lint = spawnSync('npx', ['eslint', '.', '--max-warnings=0', ...process.argv.slice(2)], opts);
process.exit(lint.status ?? 1);
