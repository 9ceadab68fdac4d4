// The programs the test suite drives that do not come from npm: Java and Maven
// for the Kafka broker, promtool/amtool for the shipped rules, docker-compose
// and kubectl to render the deployments, openssl for throwaway certificates,
// chromium for the console's browser test, script for a terminal. On a fresh machine `npm test`
// installs what is missing with apt-get when it runs as root (saying what it
// installs); otherwise it stops at once with the one command that would.
import { spawnSync } from 'node:child_process';

/** command → Debian package that provides it */
export const SYSTEM_DEPS = [
  ['java', 'openjdk-17-jre-headless'],
  ['mvn', 'maven'],
  ['promtool', 'prometheus'],
  ['amtool', 'prometheus-alertmanager'],
  ['docker-compose', 'docker-compose'],
  ['kubectl', 'kubernetes-client'],
  ['openssl', 'openssl'],
  ['chromium', 'chromium'],
  // A pseudo-terminal for the interactive prompt of `mcpg sql` (util-linux's script; Debian essential).
  ['script', 'bsdutils'],
];

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

export function missingPackages(deps = SYSTEM_DEPS) {
  return deps.filter(([cmd]) => !has(cmd)).map(([, pkg]) => pkg);
}

/** Returns null when everything is there (or was installed), else the message to stop with. */
export function ensureSystemDeps() {
  const missing = missingPackages();
  if (missing.length === 0) return null;
  const install = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    return `missing system packages for the tests; install them with: sudo ${install}`;
  }
  console.log(`installing the system packages the tests need: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  const add = update.status === 0 && spawnSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'inherit', env });
  if (!add || add.status !== 0) return `could not install ${missing.join(' ')}; run: ${install}`;
  const still = missingPackages();
  return still.length === 0 ? null : `still missing after apt-get: ${still.join(' ')}`;
}

// `node tools/system-deps.mjs` installs them up front (CI does, before it
// fetches the broker's jars with Maven).
if (import.meta.url === `file://${process.argv[1]}`) {
  const problem = ensureSystemDeps();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
