// What happens to an analyst query whose client goes away (issue 20): a heavy
// query through the SQL endpoint, the client aborts it after 0.5 s (the socket
// closes), and the process's CPU (JS thread and the engine's threads) is read
// in windows before and after the abort, with the time until the same key can
// run two queries at once again (its concurrency slots).
//
//   node --import tsx bench/sql-abandon.ts [--max-seconds 8]
import { loadavg } from 'node:os';
import { startSqlTestServer, TEST_SQL_LIMITS } from '@mcpg/api/testing';

const maxSeconds = Number(process.argv[process.argv.indexOf('--max-seconds') + 1] || 8);
const sql = await startSqlTestServer({ limits: { ...TEST_SQL_LIMITS, maxExecutionSeconds: maxSeconds } });
const auth = { authorization: `Basic ${Buffer.from('analyst:analyst-secret').toString('base64')}` };
const HEAVY = 'SELECT count() FROM numbers(1000000000000) WHERE sipHash64(number) % 7 = 3';
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const post = (query: string, signal?: AbortSignal) => fetch(sql.url, { method: 'POST', body: query, headers: auth, ...(signal ? { signal } : {}) });

console.log(`sql-abandon: max_execution_time ${maxSeconds} s, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
let c = cpu();
await sleep(1000);
console.log(`idle:              ${(cpu() - c).toFixed(2)} CPU-s per s`);

const ac = new AbortController();
const started = performance.now();
const pending = post(HEAVY, ac.signal).catch((e: Error) => e.name);
await sleep(500);
c = cpu();
await sleep(1000);
console.log(`query running:     ${(cpu() - c).toFixed(2)} CPU-s per s`);
ac.abort();
console.log(`client aborted at ${((performance.now() - started) / 1000).toFixed(1)} s (${await pending})`);
const aborted = performance.now();
for (let window = 1; window <= maxSeconds; window++) {
  c = cpu();
  const t0 = performance.now();
  const pair = await Promise.all([post('SELECT 1'), post('SELECT 1')]);
  const codes = pair.map((r) => r.status).join('/');
  await Promise.all(pair.map((r) => r.arrayBuffer()));
  const answered = (performance.now() - t0) / 1000;
  await sleep(1000);
  const span = (performance.now() - t0) / 1000;
  console.log(
    `+${((t0 - aborted) / 1000).toFixed(1)} s after the abort: two SELECT 1 with the same key: HTTP ${codes}, answered in ${answered.toFixed(2)} s; ${((cpu() - c) / span).toFixed(2)} CPU-s per s over the next ${span.toFixed(1)} s`,
  );
  if (performance.now() - aborted > (maxSeconds + 2) * 1000) break;
}
await sql.close();
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
