// Decrypt-on-view at scale: tool_invocation_payloads filled with 1M sealed
// payloads (500k calls × arguments and response, 1 KB each, across 20 orgs,
// two weeks of start times) in the embedded engine, then the payload route
// (fastify inject, auth on, a payload-role key) asked for random calls one
// after another: the store read by (org, event_id), the unwrap-free key
// lookup, two AES-GCM opens, the two payload.view audit events handed to the
// sink (here one that resolves at once: the broker's ack is not measured).
// Prints p50/p90/p99 of the route (target p99 <= 30 ms) and the table's size.
// Then the same rows copied into the table payloads went to before migration
// 084 (tool_invocation_payloads, default 10 MiB granules) and the store read
// alone on each table, alternating, for the before/after of 084.
//   node --import tsx bench/payload-view.ts [payloads=1000000] [views=1000]
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildApi, hashSecret } from '@mcpg/api';
import { emptyKeystore, FileKek, generateKekText, PayloadKeyring, rotateOrgKey, sealPayload } from '@mcpg/payload-crypto';
import { insertPayloads, PAYLOAD_TABLES, type PayloadRow } from '@mcpg/store';
import { createTestStore } from '@mcpg/store/testing';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const VIEWS = Number(process.argv[3] ?? 1_000);
const ORGS = Array.from({ length: 20 }, (_, i) => `org-${i}`);
// Within the table's 30-day TTL (OPTIMIZE applies it): two weeks ending a day ago.
const T0 = Date.now() - 15 * 86_400_000;
const quantile = (s: number[], q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;

const kek = FileKek.parse(generateKekText());
let doc = emptyKeystore();
for (const org of ORGS) doc = (await rotateOrgKey(doc, org, kek, new Date())).doc;
const ring = await PayloadKeyring.open(doc, kek);
const store = await createTestStore();
const calls = TOTAL / 2;
const eventId = (i: number) => `gw-${i % 7}:s-${Math.floor(i / 1000)}:${i}`;
const orgOf = (i: number) => ORGS[i % ORGS.length]!;

const t0 = performance.now();
const plain = randomBytes(1024);
for (let start = 0; start < calls; start += 25_000) {
  const rows: PayloadRow[] = [];
  for (let i = start; i < Math.min(calls, start + 25_000); i++) {
    const org = orgOf(i);
    const { version, key } = ring.current(org);
    for (const field of ['arguments', 'response'] as const) {
      const s = sealPayload(key, { org, eventId: eventId(i), field, keyVersion: version }, plain);
      rows.push({
        org, event_id: eventId(i), field, workspace: 'w', instance: 'gw', key_version: version,
        nonce: s.nonce.toString('base64'), ciphertext: s.ciphertext.toString('base64'), tag: s.tag.toString('base64'),
        original_bytes: plain.length, truncated: false, started_at: T0 + Math.floor((i / calls) * 14 * 86_400_000), source_partition: 0, source_offset: String(i),
      });
    }
  }
  await insertPayloads(store, rows);
}
await store.client.command({ query: `OPTIMIZE TABLE ${PAYLOAD_TABLES[0]} FINAL` });
const fillS = (performance.now() - t0) / 1000;
const size = await (await store.client.query({ query: "SELECT sum(rows) AS rows, formatReadableSize(sum(bytes_on_disk)) AS disk FROM system.parts WHERE active AND database = currentDatabase() AND table = {t:String}", format: 'JSONEachRow', query_params: { t: PAYLOAD_TABLES[0] } })).json<{ rows: string; disk: string }>();

let audited = 0;
const app = buildApi({
  store,
  logger: false,
  apiKeys: [{ id: 'viewer', sha256: hashSecret('viewer-secret'), orgs: ['*'], roles: ['payload'] }],
  payloads: { keys: { get: async () => ring }, audit: async (events) => void (audited += events.length), viewsPerMinute: 1_000_000 },
});
await app.ready();
const view = async (i: number) => {
  const res = await app.inject({ method: 'GET', url: `/v1/orgs/${orgOf(i)}/invocations/${encodeURIComponent(eventId(i))}/payload`, headers: { authorization: 'Bearer viewer-secret' } });
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
};
for (let i = 0; i < 50; i++) await view(Math.floor(Math.random() * calls));
const times: number[] = [];
for (let i = 0; i < VIEWS; i++) {
  const t = performance.now();
  await view(Math.floor(Math.random() * calls));
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
console.log(`payload-view: ${size[0]?.rows} payloads (${size[0]?.disk} on disk, filled in ${fillS.toFixed(0)} s), ${VIEWS} views of random calls, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`decrypt-on-view p50 ${quantile(times, 0.5).toFixed(2)} ms  p90 ${quantile(times, 0.9).toFixed(2)} ms  p99 ${quantile(times, 0.99).toFixed(2)} ms  max ${times.at(-1)!.toFixed(2)} ms (target p99 <= 30 ms); ${audited} payload.view events`);

// Before/after 084: the store read alone (the route's SQL) on the old table and the new one, same rows, alternating.
await store.client.command({ query: `INSERT INTO ${PAYLOAD_TABLES[1]} SELECT * FROM ${PAYLOAD_TABLES[0]}` });
await store.client.command({ query: `OPTIMIZE TABLE ${PAYLOAD_TABLES[1]} FINAL` });
const read = (table: string) => `SELECT toString(field) AS field, key_version, nonce, ciphertext, tag, original_bytes, truncated, toUnixTimestamp64Milli(started_at) AS started_ms FROM ${table} WHERE org = {org:String} AND event_id = {id:String} ORDER BY field LIMIT 1 BY field`;
const reads: Record<string, number[]> = { [PAYLOAD_TABLES[1]]: [], [PAYLOAD_TABLES[0]]: [] };
for (let round = 0; round < 10; round++) {
  for (const table of round % 2 === 0 ? [PAYLOAD_TABLES[1], PAYLOAD_TABLES[0]] : [PAYLOAD_TABLES[0], PAYLOAD_TABLES[1]]) {
    for (let k = 0; k < VIEWS / 10; k++) {
      const i = Math.floor(Math.random() * calls);
      const t = performance.now();
      const rs = await store.client.query({ query: read(table), query_params: { org: orgOf(i), id: eventId(i) }, format: 'JSONEachRow' });
      if ((await rs.json()).length !== 2) throw new Error(`${table}: not two fields for ${eventId(i)}`);
      reads[table]!.push(performance.now() - t);
    }
  }
}
for (const [table, t] of Object.entries(reads)) {
  t.sort((a, b) => a - b);
  console.log(`store read alone, ${table.padEnd(27)} p50 ${quantile(t, 0.5).toFixed(2)} ms  p90 ${quantile(t, 0.9).toFixed(2)} ms  p99 ${quantile(t, 0.99).toFixed(2)} ms`);
}
console.log(`load at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await app.close();
await store.close();
