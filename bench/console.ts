// The web console against a large org, on loopback: the query API with the
// console in this process (127.0.0.1:19280), Debian's Chromium driven by
// playwright-core as in the browser test.
//  - first overview render: from the Sign in click to the figures and the
//    chart on screen, in the browser (a fresh browser context each round);
//  - API time per live refresh: the requests the overview made (captured
//    from the page), sent again together as a refresh sends them;
//  - the drill from an anomaly to its samples: the requests the Tool activity
//    view sends for one tool's minute, failed calls first.
// Before/after, alternating in the same run: a second API (port + 1) over the
// same store whose queries find the per-minute lag states (074) empty, as
// before that migration, so its org-wide lag quantiles come from the raw
// calls (through the time-sorted projection of 085); and the lag query alone,
// raw calls against the merged minute states.
// Calls: `labelSets` label sets × 24 h × `callsPerSetHour`, folded and stored
// in every tier as the worker does; then `extraRaw` more raw calls over the
// same label sets and day, made by the engine (INSERT … SELECT FROM numbers),
// so tool_invocations reaches drill-down size without folding millions of
// calls here (the rollups hold the folded calls only; the drill reads raw calls).
//   node --import tsx bench/console.ts [labelSets=10000] [callsPerSetHour=2] [extraRaw=9500000] [rounds=10]
import { performance } from 'node:perf_hooks';
import type { ToolCallEvent } from '@mcpg/events';
import { RollupFold, toInvocationRow } from '@mcpg/rollup';
import { insertDayTotals, insertHourTotals, insertOrgRollupTiers, insertRollups, insertTierRollups, insertToolInvocations } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';
import { buildApi, generateSecret, hashSecret } from '@mcpg/api';
import { loadConsole } from '@mcpg/console';
import { launch, openPage } from '../libs/console/test/browser.ts';

const SETS = Number(process.argv[2] ?? 10_000);
const PER_SET_HOUR = Number(process.argv[3] ?? 2);
const EXTRA_RAW = Number(process.argv[4] ?? 9_500_000);
const ROUNDS = Number(process.argv[5] ?? 10);
const PORT = 19280;
const org = 'bench';
const H = 3_600_000;
const now = Date.now();
const end = Math.floor(now / 60_000) * 60_000;
const start = end - 24 * H;

const store = await createTestStore();
const fold = new RollupFold({ maxLabelSetsPerOrg: SETS });
let offset = 0;
const t0 = performance.now();
for (let h = 0; h < 24; h++) {
  const raw = [];
  for (let s = 0; s < SETS; s++) {
    for (let k = 0; k < PER_SET_HOUR; k++) {
      const started = start + h * H + Math.floor(((s * 7919 + k * 104_729 + h * 31) % 3600) * 1000);
      const event: ToolCallEvent = {
        event_id: `e-${offset}`, org, workspace: `ws-${s % 5}`, instance: 'gw-1', plugin: `plugin_${s % 100}`, tool: `tool_${Math.floor(s / 100)}x`,
        actor: 'a', source: 'mcp', started_at: started, emitted_at: started + 5, duration_us: 1_000 + ((s * 7919 + k * 104_729 + h) % 400_000),
        outcome: (s + k + h) % 50 === 0 ? 'error' : 'ok', error_code: null, error_message: null, tokens_in: 10, tokens_out: 200,
        trace_id: null, span_id: null, policy_decision: 'permit', policy_rule_id: null,
      };
      fold.add(0, offset, event);
      raw.push(toInvocationRow(event, 0, String(offset++)));
    }
  }
  for (let i = 0; i < raw.length; i += 50_000) await insertToolInvocations(store, raw.slice(i, i + 50_000));
  await Promise.all([
    insertRollups(store, fold.takeRows()),
    insertDayTotals(store, fold.takeDayTotals()),
    insertHourTotals(store, fold.takeHourTotals()),
    insertTierRollups(store, 'hour', fold.takeHourRollups()),
    insertTierRollups(store, 'day', fold.takeDayRollups()),
    insertOrgRollupTiers(store, fold.takeOrgRollups()),
  ]);
}
const folded = offset;
const tFold = performance.now();
if (EXTRA_RAW > 0) {
  await store.client.command({
    query: `INSERT INTO tool_invocations (event_id, org, workspace, instance, plugin, tool, actor, source, started_at, emitted_at, stored_at,
              duration_us, outcome, error_code, error_hash, tokens_in, tokens_out, trace_id, span_id, policy_decision, policy_rule_id, source_partition, source_offset)
            SELECT concat('x-', toString(number)), {org:String}, concat('ws-', toString(s % 5)), 'gw-1', concat('plugin_', toString(s % 100)),
                   concat('tool_', toString(intDiv(s, 100)), 'x'), 'a', 'mcp', t, t + toIntervalMillisecond(5), t + toIntervalMillisecond(40),
                   1000 + (number * 7919) % 400000, if(number % 50 = 7, 'error', if(number % 500 = 3, 'timeout', 'ok')), '', '', 10, 200, '', '', 'permit', '', 1, number
            FROM (SELECT number, number % {sets:UInt64} AS s,
                         fromUnixTimestamp64Milli(toInt64({from:Int64} + intDiv(number * {span:Int64}, {n:Int64})), 'UTC') AS t
                  FROM numbers({n:UInt64}))`,
    query_params: { org, sets: SETS, from: start, span: 24 * H, n: EXTRA_RAW },
  });
}
const rawRows = Number((await (await store.client.query({ query: 'SELECT count() AS n FROM tool_invocations', format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);
console.log(
  `${SETS} label sets × 24 h × ${PER_SET_HOUR} calls/h folded (${folded} calls) in ${((tFold - t0) / 1000).toFixed(1)} s; ` +
    `${EXTRA_RAW} more raw calls by the engine in ${((performance.now() - tFold) / 1000).toFixed(1)} s; tool_invocations ${rawRows.toLocaleString('en')} rows; node ${process.version}`,
);

const secret = generateSecret();
// A live refresh comes every 15 s, long after the API's reuse of an answer
// (at most MCPG_API_CACHE_MAX_AGE_MS, 1 s) has expired: every request here is
// computed, as a refresh's would be. The rest of load control stays on.
const app = buildApi({ store, logger: false, load: { cacheMaxAgeMs: 0 }, console: await loadConsole(), apiKeys: [{ id: 'bench', sha256: hashSecret(secret), orgs: [org], roles: ['metrics', 'audit'] }] });
await app.listen({ host: '127.0.0.1', port: PORT });
const base = `http://127.0.0.1:${PORT}`;
// The same store as it was before 074: every query reads an empty copy of the
// lag states, so the series' lag comes from the raw calls.
// BENCH_BEFORE_LAG_STATES=1: the before API reads the lag states too (to compare page changes alone).
const beforeHasLagStates = process.env.BENCH_BEFORE_LAG_STATES === '1';
await store.client.command({ query: 'CREATE TABLE IF NOT EXISTS tool_invocation_lag_1m_empty AS tool_invocation_lag_1m' });
const beforeClient = new Proxy(store.client, {
  get(target, prop) {
    if (prop === 'query' && !beforeHasLagStates) return (p: Parameters<typeof target.query>[0]) => target.query({ ...p, query: p.query.replaceAll('tool_invocation_lag_1m', 'tool_invocation_lag_1m_empty') });
    const v = Reflect.get(target, prop, target);
    return typeof v === 'function' ? v.bind(target) : v;
  },
});
// BENCH_BEFORE_CHECKOUT=<a checkout>: the before API serves the console built from that checkout.
const beforeCheckout = process.env.BENCH_BEFORE_CHECKOUT;
const beforeConsole = beforeCheckout ? await ((await import(`${beforeCheckout}/libs/console/src/console-bundle.ts`)) as { loadConsole: typeof loadConsole }).loadConsole() : undefined;
const appBefore = buildApi({ store: { ...store, client: beforeClient }, logger: false, ...(beforeConsole ? { console: beforeConsole } : {}), load: { cacheMaxAgeMs: 0 }, apiKeys: [{ id: 'bench', sha256: hashSecret(secret), orgs: [org], roles: ['metrics', 'audit'] }] });
await appBefore.listen({ host: '127.0.0.1', port: PORT + 1 });
const baseBefore = `http://127.0.0.1:${PORT + 1}`;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const line = (name: string, ms: number[]) => console.log(`${name.padEnd(64)} p50 ${pct(ms, 0.5).toFixed(1)} ms  p99 ${pct(ms, 0.99).toFixed(1)} ms  (${ms.length} rounds)`);

const browser = await launch();
try {
  // First overview render, in the browser: the page and API of this checkout
  // (after) and, with BENCH_BEFORE_CHECKOUT, the console built from that
  // checkout on the before API (before), alternating round by round.
  const sides = beforeConsole ? (['after', 'before'] as const) : (['after'] as const);
  const renders = { after: [] as number[], before: [] as number[] };
  const pageRenders = { after: [] as number[], before: [] as number[] };
  let refreshUrls: string[] = [];
  for (let i = 0; i <= ROUNDS; i++) {
    for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
      const at = side === 'after' ? base : baseBefore;
      const { page, problems } = await openPage(browser);
      const urls: string[] = [];
      const timeline: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/v1/orgs/')) urls.push(r.url());
        if (r.url().startsWith(at)) timeline.push(`${(performance.now() - t).toFixed(0).padStart(5)} ms  → ${r.url().replace(at, '').split('?')[0]}`);
      });
      page.on('requestfinished', (r) => {
        if (r.url().startsWith(at)) timeline.push(`${(performance.now() - t).toFixed(0).padStart(5)} ms  ← ${r.url().replace(at, '').split('?')[0]}`);
      });
      let t = performance.now();
      await page.goto(`${at}/console/`);
      await page.getByLabel('API key').fill(secret);
      problems.length = 0; // the sign-in page's probe of /v1/me without a key is a 401 by design
      // In the page's own clock: from the form's submit to the first frame
      // with the figures, and each request's start and end (resource timing),
      // without the driver's round trips.
      await page.evaluate(`(() => {
        const w = window;
        document.addEventListener('submit', () => { w.__submit = performance.now(); }, true);
        new MutationObserver(() => {
          const calls = document.querySelector('[data-figure="Calls"]');
          if (w.__figures === undefined && calls && /calls$/.test(calls.textContent || '')) w.__figures = performance.now();
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      })()`);
      t = performance.now();
      timeline.length = 0;
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[data-figure="Calls"]').filter({ hasText: /calls$/ }).waitFor({ timeout: 60_000 });
      await page.locator('.chart-box canvas').first().waitFor({ timeout: 60_000 });
      const inPage = (await page.evaluate(`(() => ({
        submit: window.__submit, figures: window.__figures,
        requests: performance.getEntriesByType('resource').filter((e) => e.startTime >= window.__submit).map((e) => ({ name: e.name, start: e.startTime, end: e.responseEnd })),
      }))()`)) as { submit: number; figures: number; requests: { name: string; start: number; end: number }[] };
      if (i > 0) {
        renders[side].push(performance.now() - t); // the first round warms the API's caches and the build
        pageRenders[side].push(inPage.figures - inPage.submit);
      }
      if (i === ROUNDS) {
        console.log(`${side}: last render's requests (from the Sign in click):\n${timeline.join('\n')}\n${(performance.now() - t).toFixed(0).padStart(5)} ms  figures and chart on screen`);
        const rel = (x: number) => (x - inPage.submit).toFixed(0).padStart(5);
        console.log(`${side}: the same in the page's clock (from submit):\n${inPage.requests.map((r) => `${rel(r.start)} → ${rel(r.end)} ms  ${r.name.replace(at, '').split('?')[0]}`).join('\n')}\n${rel(inPage.figures)} ms  figures in the DOM`);
      }
      if (side === 'after') refreshUrls = urls.filter((u) => u.startsWith(base));
      if (problems.length) throw new Error(`the page logged: ${problems.join('; ')}`);
      await page.context().close();
    }
  }
  for (const side of sides) {
    line(`first overview render after sign-in, ${side.toUpperCase()} (browser, range 1h)`, renders[side]);
    line(`  the same in the page: submit to figures in the DOM`, pageRenders[side]);
  }

  // API time per live refresh: the overview's requests, together.
  const headers = { authorization: `Bearer ${secret}` };
  const timed = async (url: string) => {
    const t = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    return performance.now() - t;
  };
  console.log(`a refresh asks: ${refreshUrls.map((u) => u.replace(base, '').replace(/from=\d+&to=\d+/, 'from=…&to=…')).join('  ')}`);
  const perUrl = new Map<string, number[]>(refreshUrls.map((u) => [u, []]));
  const refresh: number[] = [];
  for (let i = 0; i <= ROUNDS * 2; i++) {
    const t = performance.now();
    const each = await Promise.all(refreshUrls.map(timed));
    if (i === 0) continue;
    refresh.push(performance.now() - t);
    each.forEach((ms, k) => perUrl.get(refreshUrls[k]!)!.push(ms));
  }
  line('API time per live refresh (all its requests together)', refresh);
  for (const [u, ms] of perUrl) line(`  ${new URL(u).pathname.split('/').pop()}?${new URL(u).searchParams.get('group_by') ?? ''}, together`, ms);
  // Before/after, alternating: the refresh with the lag from the raw calls (before 074) and from the minute lag states.
  const beforeUrls = refreshUrls.map((u) => u.replace(base, baseBefore));
  const ab: Record<'before' | 'after', number[]> = { before: [], after: [] };
  for (let i = 0; i <= ROUNDS * 2; i++) {
    for (const side of i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
      const t = performance.now();
      await Promise.all((side === 'before' ? beforeUrls : refreshUrls).map(timed));
      if (i > 0) ab[side].push(performance.now() - t);
    }
  }
  line(`refresh BEFORE (lag quantiles from the ${beforeHasLagStates ? 'minute lag states too' : 'raw calls'})`, ab.before);
  line('refresh AFTER (lag quantiles from the minute lag states, 074)', ab.after);
  // Each request alone, one after the other: what each costs.
  for (const u of refreshUrls) {
    const alone: number[] = [];
    for (let i = 0; i <= ROUNDS; i++) {
      const ms = await timed(u);
      if (i > 0) alone.push(ms);
    }
    line(`  ${new URL(u).pathname.split('/').pop()}?${new URL(u).searchParams.get('group_by') ?? ''}, alone`, alone);
  }
  // The lag query alone, the last hour by minute: over the raw calls (as the
  // route sent it before 074, no FINAL, the time-sorted projection of 085)
  // and merged from the minute lag states, alternating.
  const lagSql = {
    raw: `SELECT intDiv(toUnixTimestamp(started_at), 60) * 60 AS b,
       quantilesTDigest(0.5, 0.99)(greatest(toUnixTimestamp64Milli(stored_at) - toUnixTimestamp64Milli(emitted_at), 0)) AS lag
FROM tool_invocations
WHERE org = {org:String} AND started_at >= toDateTime64({from_s:UInt32}, 3, 'UTC') AND started_at < toDateTime64({to_s:UInt32}, 3, 'UTC')
GROUP BY b`,
    states: `SELECT intDiv(toUnixTimestamp(minute), 60) * 60 AS b, quantilesTDigestMerge(0.5, 0.99)(lag_ms) AS lag
FROM tool_invocation_lag_1m
WHERE org = {org:String} AND minute >= toDateTime({from_s:UInt32}, 'UTC') AND minute < toDateTime({to_s:UInt32}, 'UTC')
GROUP BY b`,
  };
  const lagMs = { raw: [] as number[], states: [] as number[] };
  const lagAnswers: Record<string, Map<number, number[]>> = {};
  for (let i = 0; i <= ROUNDS * 2; i++) {
    for (const side of i % 2 === 0 ? (['raw', 'states'] as const) : (['states', 'raw'] as const)) {
      const t = performance.now();
      const rs = await store.client.query({ query: lagSql[side], query_params: { org, from_s: Math.floor((end - H) / 1000), to_s: Math.floor(end / 1000) }, format: 'JSONEachRow' });
      const rows = await rs.json<{ b: number; lag: number[] }>();
      if (i > 0) lagMs[side].push(performance.now() - t);
      lagAnswers[side] = new Map(rows.map((r) => [Number(r.b), r.lag.map(Number)]));
    }
  }
  line('  bare SQL: lag quantiles of the last hour, raw calls (085 projection)', lagMs.raw);
  line('  bare SQL: lag quantiles of the last hour, minute lag states (074)', lagMs.states);
  // How far the two answers are apart (both t-digests of the same lags).
  let worst = 0;
  for (const [b, [p50, p99]] of lagAnswers.raw!) {
    const [s50, s99] = lagAnswers.states!.get(b) ?? [NaN, NaN];
    worst = Math.max(worst, Math.abs(s50! - p50!) / Math.max(1, p50!), Math.abs(s99! - p99!) / Math.max(1, p99!));
  }
  console.log(`  lag states vs raw calls: ${lagAnswers.raw!.size} minutes, largest relative difference ${(worst * 100).toFixed(2)} %`);
  const lagRows = await (await store.client.query({ query: 'SELECT count() AS n FROM tool_invocation_lag_1m', format: 'JSONEachRow' })).json<{ n: string }>();
  console.log(`  tool_invocation_lag_1m: ${lagRows[0]!.n} rows (not merged yet: one per minute and insert)`);

  // The drill: one tool's minute, failed calls first (one request per outcome, together).
  const drill: number[] = [];
  for (let i = 0; i <= ROUNDS * 2; i++) {
    const m = start + ((i * 97) % (24 * 60)) * 60_000;
    const q = `from=${m}&to=${m + 60_000}&plugin=plugin_${i % 100}&tool=tool_${i % 100}x&sort=slowest&limit=20`;
    const t = performance.now();
    await Promise.all(['error', 'timeout'].map((o) => timed(`${base}/v1/orgs/${org}/invocations?${q}&outcome=${o}`)));
    if (i > 0) drill.push(performance.now() - t);
  }
  line(`drill: one tool × one minute, failed first (${rawRows.toLocaleString('en')} raw calls)`, drill);
} finally {
  await browser.close();
  await appBefore.close();
  await app.close();
  await store.close();
}
