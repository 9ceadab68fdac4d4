// The console in a real browser against a real stack: Chromium over `mcpg up`
// (Kafka broker, embedded ClickHouse, workers, API) fed with simulated history
// that holds an injected incident. Each view is checked against what the API
// answers for the same question, for accessibility (axe-core), and for
// console errors or CSP violations; each leaves a screenshot in docs/console/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, Page, Route } from 'playwright-core';
import { axeViolations, launch, openPage, shoot, SHOTS, type WatchedPage } from './browser.ts';
import { capturedArguments, startConsoleStack, type ConsoleStack, type StackKey } from './console-stack.ts';

let stack: ConsoleStack;
let browser: Browser;
let viewer: WatchedPage;
let admin: WatchedPage;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The stack's own broker, next to the test broker's port (its controller takes the port after).
  stack = await startConsoleStack({ kafkaPort: Number(process.env.MCPG_TEST_KAFKA_PORT ?? 19192) + 10 });
  browser = await launch();
  viewer = await openPage(browser);
  admin = await openPage(browser);
});
after(async () => {
  await browser?.close();
  await stack?.stop();
});

const api = async <T>(key: StackKey, path: string): Promise<T> => {
  const res = await fetch(`${stack.url}${path}`, { headers: { authorization: `Bearer ${key.secret}` } });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return (await res.json()) as T;
};

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      out.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  return out;
}

async function signIn(page: Page, key: StackKey | string): Promise<void> {
  await page.goto(`${stack.url}/console/`);
  await page.getByLabel('API key').fill(typeof key === 'string' ? key : key.secret);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function checkView(w: WatchedPage, name: string): Promise<void> {
  await w.page.waitForLoadState('networkidle');
  assert.deepEqual(await axeViolations(w.page), [], `${name}: accessibility`);
  await shoot(w.page, name);
}

test('a wrong key gets a clear message and no console; the key never appears in a URL', async () => {
  const { page } = viewer;
  await signIn(page, 'mcpg_not-a-real-key');
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /Not signed in: the API key is not valid/);
  assert.ok(!page.url().includes('not-a-real-key'));
  await checkView(viewer, 'sign-in');
  viewer.problems.length = 0; // the 401 of /v1/me was the point
});

test('the org switcher lists only the key\'s orgs; views its roles cannot use are hidden, and a link to one shows the API\'s refusal', async () => {
  const { page } = viewer;
  await signIn(page, stack.keys.viewer);
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  const orgs = await page.getByLabel('Organisation').locator('option').allInnerTexts();
  assert.deepEqual(orgs, ['acme']);
  const nav = await page.getByRole('navigation', { name: 'Views' }).getByRole('link').allInnerTexts();
  assert.ok(!nav.includes('Telemetry export'), `nav: ${nav}`);
  assert.ok(nav.includes('Request history') && nav.includes('Ledger'));
  assert.ok(!page.url().includes(stack.keys.viewer.secret));
  await page.goto(`${stack.url}/console/telemetry?org=acme`);
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /Not allowed: API key acme-viewer lacks the admin role/);
  viewer.problems.length = 0; // the 403s were the point
});

test('request history: search, expand a row, export the filter as CSV', async () => {
  const { page } = viewer;
  await page.goto(`${stack.url}/console/history?org=acme`);
  await page.getByRole('searchbox', { name: 'Search' }).fill('"bad gateway"');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/q=%22bad\+gateway%22/);
  const rows = page.locator('table.history tbody tr');
  const expected = await api<{ items: { seq: number; error: string | null }[] }>(stack.keys.viewer, `/v1/orgs/acme/audit?q=${encodeURIComponent('"bad gateway"')}&limit=50`);
  assert.ok(expected.items.length > 0);
  // The previous page stays on screen until the new one arrives: wait for the new one.
  await rows.first().locator('td.num').last().filter({ hasText: new RegExp(`^${expected.items[0]!.seq}$`) }).waitFor();
  assert.equal(await rows.count(), expected.items.length);
  assert.deepEqual(await rows.locator('td.num:last-child').allInnerTexts(), expected.items.map((i) => String(i.seq)));
  await page.getByRole('button', { name: `Details of row ${expected.items[0]!.seq}` }).click();
  assert.match(await page.locator('tr.details').innerText(), /502 Bad Gateway/);
  await checkView(viewer, 'history');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8');
  const [header, ...records] = parseCsv(csv);
  assert.deepEqual(header!.slice(0, 2), ['seq', 'event_id']);
  const direct = await (await fetch(`${stack.url}/v1/orgs/acme/audit?format=csv&q=${encodeURIComponent('"bad gateway"')}`, { headers: { authorization: `Bearer ${stack.keys.viewer.secret}` } })).text();
  assert.equal(csv, direct, 'the download is the API\'s CSV of the same filter');
  assert.ok(records.length >= expected.items.length);
  assert.deepEqual(records.slice(0, expected.items.length).map((r) => Number(r[0])), expected.items.map((i) => i.seq));
  assert.ok(records.every((r) => /bad gateway/i.test(r.join(' '))), 'every exported row matches the search');
});

test('tokens: the totals are the API\'s for the same range, per server', async () => {
  const { page } = viewer;
  await page.goto(`${stack.url}/console/tokens?org=acme&range=24h&group_by=server`);
  const total = page.locator('[data-figure="Total"]');
  await page.locator('table.data tbody tr').first().waitFor();
  const answer = await api<{ totals: { input: number; output: number; total: number } }>(stack.keys.viewer, `/v1/orgs/acme/tokens?group_by=server&interval=hour&top=20&from=${new Date(Date.now() - 86_400_000).toISOString()}`);
  assert.equal(await total.innerText(), `${answer.totals.total.toLocaleString('en-US')} tok`);
  await checkView(viewer, 'tokens');
});

test('ledger: the latest checkpoint\'s signature verifies in the browser, and a range verifies by the API', async () => {
  const { page } = viewer;
  await page.goto(`${stack.url}/console/ledger?org=acme`);
  await page.getByText(/valid, signed by mcpg-demo\/ledger\+[0-9a-f]{8}/).waitFor();
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText(/verified against checkpoint of [\d,]+ rows/).waitFor();
  await checkView(viewer, 'ledger');
  assert.deepEqual(viewer.problems, []);
});

test('telemetry export: an admin switches the preset at run time; a bad configuration is refused and shown', async () => {
  const { page } = admin;
  await signIn(page, stack.keys.admin);
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  assert.deepEqual(await page.getByLabel('Organisation').locator('option').allInnerTexts(), ['acme', 'globex']);
  await page.getByRole('link', { name: 'Telemetry export' }).click();
  await page.getByRole('radio', { name: /Custom OTLP endpoint/ }).check();
  await page.getByLabel(/^Endpoint/).fill('http://127.0.0.1:4318/v1/traces');
  await page.getByLabel(/^Sample rate/).fill('25');
  await page.getByRole('button', { name: 'Apply at run time' }).click();
  await page.getByText(/Applied: preset custom, exporting to http:\/\/127\.0\.0\.1:4318\/v1\/traces, 25\.0 % sampled/).waitFor();
  const running = await api<{ preset: string; endpoint: string; sampleRate: number }>(stack.keys.admin, '/v1/admin/tracing');
  assert.deepEqual([running.preset, running.endpoint, running.sampleRate], ['custom', 'http://127.0.0.1:4318/v1/traces', 0.25]);
  await checkView(admin, 'telemetry');

  await page.getByRole('radio', { name: /Splunk/ }).check();
  await page.getByRole('button', { name: 'Apply at run time' }).click();
  await page.getByText(/Refused: .*X-SF-Token|Refused: .*realm|Refused: .*region/).waitFor();
  assert.equal((await api<{ preset: string }>(stack.keys.admin, '/v1/admin/tracing')).preset, 'custom', 'the running exporter stays');
  admin.problems.length = 0; // the 400 was the point
});

test('overview: the figures are the API\'s for the same range; live refresh pauses', async () => {
  const { page } = viewer;
  await page.goto(`${stack.url}/console/overview?org=acme&range=1h`);
  const calls = page.locator('[data-figure="Calls"]');
  await calls.filter({ hasText: /calls$/ }).waitFor();
  await page.getByRole('button', { name: 'Live refresh on' }).click();
  await page.getByRole('button', { name: 'Live refresh paused' }).waitFor();
  await page.waitForLoadState('networkidle');
  // The history ends a minute ago and spans 45 minutes: the last hour holds all of it.
  const to = Math.ceil(Date.now() / 1000) * 1000;
  const s = await api<{ groups: { metrics: { calls: (number | null)[]; errors: (number | null)[] } }[] }>(stack.keys.viewer, `/v1/orgs/acme/series?from=${to - 3_600_000}&to=${to}&metrics=calls,errors`);
  const total = (c: (number | null)[]) => c.reduce<number>((a, v) => a + (v ?? 0), 0);
  const apiCalls = total(s.groups[0]!.metrics.calls);
  const apiErrors = total(s.groups[0]!.metrics.errors);
  assert.equal(apiCalls, stack.calls.acme);
  assert.equal(await calls.innerText(), `${apiCalls.toLocaleString('en-US')} calls`);
  assert.equal(await page.locator('[data-figure="Error rate"]').innerText(), `${((apiErrors / apiCalls) * 100).toFixed(2)} %`);
  assert.match(await page.getByRole('group', { name: 'Pipeline health' }).innerText(), /Dead letters \d+ messages/);
  await checkView(viewer, 'overview');

  // The system's dark preference: the dark set of colours (and the charts
  // redrawn in them), still passing axe-core's contrast rules.
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await page.locator('body').evaluate((b) => b.ownerDocument.defaultView!.getComputedStyle(b).backgroundColor), 'rgb(15, 18, 22)');
  assert.equal(await calls.innerText(), `${apiCalls.toLocaleString('en-US')} calls`);
  // The charts are drawn again in the dark colours (the legend's marker has the line's): --series-1.
  // (A string: the chart element is replaced when it is drawn again, so it is looked up on each poll.)
  await page.waitForFunction(`(() => {
    const marker = document.querySelectorAll('.chart .u-legend .u-series')[1]?.querySelector('.u-marker');
    return marker !== undefined && marker !== null && getComputedStyle(marker).borderColor === 'rgb(108, 182, 255)';
  })()`);
  await checkView(viewer, 'overview-dark');
  await page.emulateMedia({ colorScheme: 'light' });
});

test('overview: the figures and charts are drawn before the top tools and the pipeline strip have answered', async () => {
  const { page } = viewer;
  // Hold the top-tools series and the pipeline route until the figures are checked.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  const hold = async (route: Route) => {
    await held;
    await route.continue();
  };
  await page.route(/\/series\?.*group_by=tool/, hold);
  await page.route(/\/pipeline(\?|$)/, hold);
  try {
    await page.goto(`${stack.url}/console/overview?org=acme&range=1h`);
    await page.locator('[data-figure="Calls"]').filter({ hasText: /calls$/ }).waitFor();
    const tools = page.getByRole('table', { name: /Top tools/ });
    assert.equal(await tools.locator('tbody tr').count(), 0, 'the top tools are still on their way');
    assert.match(await page.getByRole('group', { name: 'Pipeline health' }).innerText(), /Dead letters –/);
    release();
    await tools.locator('tbody tr').first().waitFor();
    await page.getByRole('group', { name: 'Pipeline health' }).getByText(/Dead letters \d+ messages/).waitFor();
  } finally {
    release();
    await page.unrouteAll({ behavior: 'wait' });
  }
});

test('tool activity: the injected incident is an anomaly; its samples; a sample\'s trace with its ledger row proven in the browser', async () => {
  const { page } = viewer;
  await page.goto(`${stack.url}/console/tools?org=acme&range=1h`);
  const anomaly = page.getByRole('group', { name: 'Anomalies' }).getByRole('button', { name: new RegExp(`^${stack.incident.plugin}/${stack.incident.tool}: error rate`) }).first();
  await anomaly.waitFor().catch(async (e) => {
    // What the view showed instead: the failure names it.
    throw new Error(`no anomaly for the incident; the view showed:\n${await page.locator('main').innerText()}`, { cause: e });
  });
  await anomaly.click();
  const samples = page.getByRole('region', { name: 'Samples of the bucket' });
  await samples.locator('tbody tr').first().waitFor();
  const outcomes = await samples.locator('tbody tr td:nth-child(2)').allInnerTexts();
  assert.ok(outcomes.length > 0 && outcomes.every((o) => o === 'error' || o === 'timeout'), `failed first: ${outcomes}`);
  const url = new URL(page.url());
  const bucket = { from: Number(url.searchParams.get('b_from')), to: Number(url.searchParams.get('b_to')) };
  assert.ok(bucket.from >= stack.incident.fromMs && bucket.to <= stack.incident.toMs, `the anomaly lies in the incident: ${JSON.stringify(bucket)}`);
  await samples.locator('tbody tr').first().click();
  const trace = page.getByRole('region', { name: 'Call trace' });
  await trace.getByText(/included in the tree of [\d,]+ rows signed by mcpg-demo\/ledger\+[0-9a-f]{8} \(checked in this browser\)/).waitFor({ timeout: 30_000 });
  const stages = await trace.getByRole('list', { name: 'Stages of the call' }).locator('li b').allInnerTexts();
  assert.deepEqual(stages, ['identity', 'policy', 'dispatch', 'outcome']);
  // The incident's history was produced into Kafka at least 10 minutes after it happened (back-filled):
  // the split says so instead of showing a Kafka delay of many minutes as if the pipeline were stuck.
  const lagText = await trace.getByRole('group', { name: 'Lag split' }).innerText();
  assert.match(lagText, /Gateway .*Pipeline/s);
  assert.match(lagText, /Produced late: the event entered Kafka \d+ min after the gateway emitted it, so this is back-filled history/);
  assert.doesNotMatch(lagText, /Kafka \(emitted → in the log\): \d/);
  // The trace id and the link template stay apart: below it, or clearly beside it (the id ran into the template's label before).
  const idBox = await trace.locator('.trace-link > .mono, .trace-link > a').first().boundingBox();
  const fieldBox = await trace.locator('.trace-link > .field').boundingBox();
  assert.ok(idBox && fieldBox, 'trace id and link template are shown');
  const apart = fieldBox.y >= idBox.y + idBox.height || fieldBox.x >= idBox.x + idBox.width + 8;
  assert.ok(apart, `trace id ${JSON.stringify(idBox)} runs into the link template ${JSON.stringify(fieldBox)}`);
  // The drill is in the URL: reloading reproduces it.
  await page.reload();
  await page.getByRole('region', { name: 'Call trace' }).getByText(/checked in this browser/).waitFor({ timeout: 30_000 });
  await checkView(viewer, 'tools');
  assert.deepEqual(viewer.problems, []);
});

test('a sample\'s trace shows its captured payloads only after an explicit reveal, to a key with the payload role; the view is audited', async () => {
  const { page } = viewer;
  const trace = page.getByRole('region', { name: 'Call trace' });
  await trace.waitFor();
  const eventId = new URL(page.url()).searchParams.get('sample')!;
  assert.ok(eventId, 'the trace of a sample is open (the previous test drilled to it)');
  const group = trace.getByRole('group', { name: 'Captured payloads' });
  await group.getByRole('button', { name: 'Reveal payloads' }).waitFor();
  assert.equal(await group.locator('pre').count(), 0, 'nothing is shown (or asked) before the reveal');
  await group.getByRole('button', { name: 'Reveal payloads' }).click();
  await group.locator('figure').first().waitFor();
  assert.deepEqual(await group.locator('figcaption').allInnerTexts().then((c) => c.map((t) => t.split(' ')[0])), ['arguments', 'response']);
  assert.equal(await group.locator('pre').first().innerText(), capturedArguments(eventId));
  await checkView(viewer, 'payload-reveal');
  // The view is in acme's audit trail, with the call's id.
  const audit = await api<{ items: { action: string; actor: string; resource: string }[] }>(stack.keys.viewer, '/v1/orgs/acme/audit?action_prefix=payload.view&limit=10');
  assert.ok(audit.items.some((r) => r.actor === 'api-key:acme-viewer' && r.resource === `${eventId}/arguments`), JSON.stringify(audit.items));
  await group.getByRole('button', { name: 'Hide payloads' }).click();
  assert.equal(await group.locator('pre').count(), 0);
  // An admin key (signed in on its own tab by an earlier test) without the payload role gets no reveal at all.
  await admin.page.goto(page.url().replace(/org=[^&]*/, 'org=acme'));
  await admin.page.getByRole('region', { name: 'Call trace' }).getByRole('group', { name: 'Lag split' }).waitFor();
  assert.equal(await admin.page.getByRole('group', { name: 'Captured payloads' }).count(), 0);
  assert.deepEqual(viewer.problems, []);
});
