// Decrypt-on-view over the real engine: who may open which payload, every
// attempt in the ledger's audit stream, and a clear code (never plaintext,
// never a 500) for altered, moved, unkeyed and shredded payloads.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEvent, PayloadField } from '@mcpg/events';
import { emptyKeystore, FileKek, generateKekText, PayloadKeyring, rotateOrgKey, sealPayload, shredOrgKeys, type KeystoreDoc } from '@mcpg/payload-crypto';
import { insertPayloads, type PayloadRow } from '@mcpg/store';
import { bearer, createTestApi, testKey, type TestApi } from '../testing/api-test-app.ts';
import { utcDaysAgo } from '@mcpg/store/testing';

const T = utcDaysAgo(1, 9);
const CANARY = 'canary-9d2e7a51';
const kek = FileKek.parse(generateKekText());
let doc: KeystoreDoc;
let ring: PayloadKeyring;
let api: TestApi;
const audited: AuditEvent[] = [];
let auditFails = false;

async function row(org: string, eventId: string, field: PayloadField, text: string, over: Partial<PayloadRow> = {}, flip?: 'nonce' | 'ciphertext' | 'tag'): Promise<PayloadRow> {
  const { version, key } = ring.current(org);
  const sealed = sealPayload(key, { org, eventId, field, keyVersion: version }, Buffer.from(text));
  if (flip) sealed[flip][0]! ^= 0x01;
  return {
    org, event_id: eventId, field, workspace: 'w', instance: 'gw-1', key_version: version,
    nonce: sealed.nonce.toString('base64'), ciphertext: sealed.ciphertext.toString('base64'), tag: sealed.tag.toString('base64'),
    original_bytes: text.length, truncated: false, started_at: T, source_partition: 0, source_offset: '1', ...over,
  };
}

before(async () => {
  doc = (await rotateOrgKey(emptyKeystore(), 'acme', kek, new Date(T))).doc;
  doc = (await rotateOrgKey(doc, 'beta', kek, new Date(T))).doc;
  ring = await PayloadKeyring.open(doc, kek);
  api = await createTestApi({
    now: () => T,
    apiKeys: [testKey('viewer', ['acme'], ['payload']), testKey('ops', ['*'], ['admin', 'metrics']), testKey('beta-viewer', ['beta'], ['payload']), testKey('both', ['acme', 'beta'], ['payload', 'audit']), testKey('burst', ['acme'], ['payload'])],
    payloads: {
      keys: { get: async () => ring },
      audit: async (events) => {
        if (auditFails) throw new Error('broker unreachable');
        audited.push(...events);
      },
      viewsPerMinute: 30,
    },
  });
  const v1 = ring.current('acme').version;
  await insertPayloads(api.store, [
    await row('acme', 'call-1', 'arguments', `{"q":"${CANARY}"}`),
    await row('acme', 'call-1', 'response', `{"content":"ok ${CANARY}"}`),
    await row('acme', 'flip-nonce', 'arguments', '{}', {}, 'nonce'),
    await row('acme', 'flip-ciphertext', 'arguments', '{"a":1}', {}, 'ciphertext'),
    await row('acme', 'flip-tag', 'arguments', '{}', {}, 'tag'),
    await row('acme', 'unknown-version', 'arguments', '{}', { key_version: v1 + 6 }),
    // acme's sealed row copied into beta's table rows under the same id, and into another call and field of acme.
    { ...(await row('acme', 'spliced', 'arguments', `{"q":"${CANARY}"}`)), org: 'beta' },
    { ...(await row('acme', 'call-1', 'arguments', `{"q":"${CANARY}"}`)), event_id: 'moved' },
    { ...(await row('acme', 'call-1', 'arguments', `{"q":"${CANARY}"}`)), event_id: 'moved-field', field: 'response' },
  ]);
});
after(async () => {
  await api.close();
});

const view = (key: string, org: string, id: string, query = '') => api.app.inject({ method: 'GET', url: `/v1/orgs/${org}/invocations/${id}/payload${query}`, headers: bearer(key) });

test('a payload-role key of the org opens both fields; each field shown is a payload.view event; never cached', async () => {
  audited.length = 0;
  const res = await view('viewer', 'acme', 'call-1');
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
  const body = res.json() as { payloads: { field: string; text: string; key_version: number }[] };
  assert.deepEqual(body.payloads.map((p) => [p.field, p.text]), [['arguments', `{"q":"${CANARY}"}`], ['response', `{"content":"ok ${CANARY}"}`]]);
  assert.deepEqual(audited.map((e) => [e.org, e.action, e.actor, e.resource, e.outcome, e.call_event_id]), [
    ['acme', 'payload.view', 'api-key:viewer', 'call-1/arguments', 'ok', 'call-1'],
    ['acme', 'payload.view', 'api-key:viewer', 'call-1/response', 'ok', 'call-1'],
  ]);
  assert.ok(!JSON.stringify(audited).includes(CANARY), 'the audit row says who and what, never the payload');
  const one = await view('viewer', 'acme', 'call-1', '?field=response');
  assert.deepEqual((one.json() as typeof body).payloads.map((p) => p.field), ['response']);
  assert.equal((await view('viewer', 'acme', 'call-1', '?field=headers')).statusCode, 400);
});

test('no payload role (even admin), another org, another org\'s id: refused with a code, and the attempt is audited', async () => {
  const cases: [string, string, string, number, string, string][] = [
    ['ops', 'acme', 'call-1', 403, 'FORBIDDEN', 'denied'],
    ['beta-viewer', 'acme', 'call-1', 403, 'FORBIDDEN', 'denied'],
    ['both', 'beta', 'call-1', 404, 'NOT_FOUND', 'error'],
    ['viewer', 'acme', 'no-such-call', 404, 'NOT_FOUND', 'error'],
  ];
  for (const [key, org, id, status, code, outcome] of cases) {
    audited.length = 0;
    const res = await view(key, org, id);
    assert.equal(res.statusCode, status, `${key} ${org} ${id}: ${res.body}`);
    assert.equal(res.json().error.code, code);
    assert.ok(!res.body.includes(CANARY));
    assert.deepEqual(audited.map((e) => [e.org, e.actor, e.outcome, e.error]), [[org, `api-key:${key}`, outcome, code]], `${key} ${org} ${id}`);
  }
});

const refusals = async (reason: string) => {
  const res = await api.app.inject({ method: 'GET', url: '/api/v1/metrics', headers: bearer('ops') });
  const m = new RegExp(`^mcpg_payload_view_refusals_total\\{reason="${reason}"\\} (\\d+)$`, 'm').exec(res.body);
  return m ? Number(m[1]) : 0;
};

test('attempts with no key or a wrong key: 401, counted, and in the org ledger once a minute per org, only for an org a key names', async () => {
  audited.length = 0;
  const before = await refusals('unauthenticated');
  const anonymous = (org: string, headers: Record<string, string> = {}) => api.app.inject({ method: 'GET', url: `/v1/orgs/${org}/invocations/call-1/payload`, headers });
  for (const headers of [{}, { authorization: 'Bearer not-a-key' }, {}] as Record<string, string>[]) assert.equal((await anonymous('acme', headers)).statusCode, 401);
  // No configured key names zeta: an anonymous caller cannot start a ledger for an org it makes up.
  assert.equal((await anonymous('zeta')).statusCode, 401);
  assert.deepEqual(audited.map((e) => [e.org, e.action, e.actor, e.resource, e.outcome, e.error]), [['acme', 'payload.view', 'anonymous', 'call-1/*', 'denied', 'UNAUTHORIZED']]);
  assert.ok(!JSON.stringify(audited).includes('not-a-key'), 'a presented secret is never recorded');
  assert.equal((await refusals('unauthenticated')) - before, 4, 'every refused attempt is counted');
});

test('flipped bits, spliced and moved rows, a missing or shredded key version: a clear code, never plaintext, never a 500', async () => {
  const cases: [string, string, number, string][] = [
    ['acme', 'flip-nonce', 422, 'PAYLOAD_INTEGRITY'],
    ['acme', 'flip-ciphertext', 422, 'PAYLOAD_INTEGRITY'],
    ['acme', 'flip-tag', 422, 'PAYLOAD_INTEGRITY'],
    ['beta', 'spliced', 422, 'PAYLOAD_INTEGRITY'],
    ['acme', 'moved', 422, 'PAYLOAD_INTEGRITY'],
    ['acme', 'moved-field', 422, 'PAYLOAD_INTEGRITY'],
    ['acme', 'unknown-version', 409, 'PAYLOAD_KEY_MISSING'],
  ];
  for (const [org, id, status, code] of cases) {
    audited.length = 0;
    const res = await view('both', org, id);
    assert.equal(res.statusCode, status, `${org}/${id}: ${res.body}`);
    assert.equal(res.json().error.code, code);
    assert.ok(!res.body.includes(CANARY) && !res.body.includes('"text"'));
    assert.deepEqual(audited.map((e) => [e.outcome, e.error]), [['error', code]]);
  }
  // Shred acme: its payloads are gone for good; beta's still open.
  const before = ring;
  ring = await PayloadKeyring.open(shredOrgKeys(doc, 'acme', new Date(T)).doc, kek);
  try {
    const res = await view('viewer', 'acme', 'call-1');
    assert.equal(res.statusCode, 410, res.body);
    assert.equal(res.json().error.code, 'PAYLOAD_KEY_SHREDDED');
    assert.ok(!res.body.includes(CANARY));
  } finally {
    ring = before;
  }
});

test('a view that cannot be recorded in the ledger is not shown', async () => {
  auditFails = true;
  try {
    const res = await view('viewer', 'acme', 'call-1');
    assert.equal(res.statusCode, 503);
    assert.equal(res.json().error.code, 'PAYLOAD_VIEW_UNAVAILABLE');
    assert.ok(!res.body.includes(CANARY));
  } finally {
    auditFails = false;
  }
});

test('views are rate-limited per key: 429 with Retry-After, other keys unaffected; refusals counted, one a minute in the ledger', async () => {
  audited.length = 0;
  const before = await refusals('rate_limited');
  const codes: number[] = [];
  for (let i = 0; i < 32; i++) codes.push((await view('burst', 'acme', 'call-1', '?field=arguments')).statusCode);
  assert.deepEqual([codes.filter((c) => c === 200).length, codes.filter((c) => c === 429).length], [30, 2]);
  const limited = await view('burst', 'acme', 'call-1');
  assert.equal(limited.json().error.code, 'RATE_LIMITED');
  assert.ok(Number(limited.headers['retry-after']) >= 1);
  const denied = audited.filter((e) => e.outcome === 'denied');
  assert.deepEqual(denied.map((e) => [e.org, e.actor, e.resource, e.error]), [['acme', 'api-key:burst', 'call-1/*', 'RATE_LIMITED']]);
  assert.equal((await refusals('rate_limited')) - before, 3);
  assert.equal((await view('viewer', 'acme', 'call-1')).statusCode, 200);
});

test('with the answer cache on, every view is computed and recorded for its own key: none is replayed or shared', async () => {
  const cached = await createTestApi({
    now: () => T,
    load: { cacheMaxAgeMs: 60_000 },
    apiKeys: [testKey('viewer', ['acme'], ['payload']), testKey('ops', ['*'], ['admin'])],
    payloads: { keys: { get: async () => ring }, audit: async (events) => void audited.push(...events), viewsPerMinute: 30 },
  });
  try {
    await insertPayloads(cached.store, [await row('acme', 'call-1', 'arguments', `{"q":"${CANARY}"}`)]);
    audited.length = 0;
    const url = '/v1/orgs/acme/invocations/call-1/payload';
    const [a, b] = await Promise.all([1, 2].map(() => cached.app.inject({ method: 'GET', url, headers: bearer('viewer') })));
    const c = await cached.app.inject({ method: 'GET', url, headers: bearer('viewer') });
    for (const r of [a!, b!, c]) {
      assert.equal(r.statusCode, 200);
      assert.equal(r.headers['x-mcpg-cache'], undefined, 'not served from the answer cache');
    }
    assert.equal(audited.filter((e) => e.outcome === 'ok').length, 3, 'three views, three audit rows');
    const ops = await cached.app.inject({ method: 'GET', url, headers: bearer('ops') });
    assert.equal(ops.statusCode, 403, 'a key without the role never gets the answer another key got');
    assert.ok(!ops.body.includes(CANARY));
  } finally {
    await cached.close();
  }
});

test('payloads are stored in small granules (one call is a small read); a call captured before migration 084 still opens', async () => {
  // Written by the sink's insert: 300 payloads of ~1.4 KB base64 land in tool_invocation_payloads_v2, in granules of at most 64 KiB.
  const many: PayloadRow[] = [];
  for (let i = 0; i < 300; i++) many.push(await row('beta', `bulk-${i}`, 'arguments', `{"n":${i},"pad":"${'x'.repeat(1000)}"}`));
  await insertPayloads(api.store, many);
  await api.store.client.command({ query: 'OPTIMIZE TABLE tool_invocation_payloads_v2 FINAL' });
  const parts = await (
    await api.store.client.query({ query: "SELECT sum(rows) AS rows, sum(marks) AS marks FROM system.parts WHERE active AND database = currentDatabase() AND table = 'tool_invocation_payloads_v2' AND partition = '202612'", format: 'JSONEachRow' })
  ).json<{ rows: string; marks: string }>();
  assert.ok(Number(parts[0]!.rows) >= 300);
  assert.ok(Number(parts[0]!.marks) >= 6, `granules of ~45 payloads, not one granule of thousands: ${JSON.stringify(parts)}`);
  // A row of the table 050 made, where payloads went before 084: the route reads there when the new table has nothing.
  const legacy = await row('acme', 'before-084', 'arguments', `{"q":"${CANARY} old"}`);
  const columns = Object.keys(legacy) as [keyof PayloadRow, ...(keyof PayloadRow)[]];
  await api.store.client.insert({ table: 'tool_invocation_payloads', columns, values: [columns.map((c) => legacy[c])], format: 'JSONCompactEachRow' });
  const res = await view('viewer', 'acme', 'before-084');
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual((res.json() as { payloads: { text: string }[] }).payloads.map((p) => p.text), [`{"q":"${CANARY} old"}`]);
  assert.equal((await view('viewer', 'acme', 'no-such-call-either')).statusCode, 404);
});
