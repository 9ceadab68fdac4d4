// What payload capture costs the gateway's CPU per call, in process, apart
// from the noise of two gateways, a client and an upstream sharing cores
// (bench/payload-capture.ts measures that end to end): the events of one
// call with 4 KB arguments and a 4 KB response built without capture, and
// with capture (mask, cut, seal both fields, encode the payload records, and
// the call's events with the captured fields replaced by the marker, so they
// are not masked a second time), alternating. Prints µs per call for each
// side and the parts of capture.
//   node --import tsx bench/payload-capture-cpu.ts [calls=5000] [rounds=6]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMasker } from '@mcpg/masking';
import { emptyKeystore, FileKek, formatKeystore, generateKekText, LiveKeyring, rotateOrgKey, sealPayload } from '@mcpg/payload-crypto';
import { PayloadCapture } from '../libs/gateway/src/capture/payload-capture.ts';
import type { CallRecord } from '../libs/gateway/src/events/call-record.ts';
import { EventFactory } from '../libs/gateway/src/events/event-factory.ts';
import { countO200k } from '../libs/gateway/src/events/token-counter.ts';
import { continueTrace } from '../libs/gateway/src/trace/trace-context.ts';

const N = Number(process.argv[2] ?? 5_000);
const ROUNDS = Number(process.argv[3] ?? 6);
const ARGS = { text: 'select id, status, total from orders where customer = $1 and placed_at > $2 '.repeat(55).slice(0, 4000) };
const masker = createMasker();
const record: CallRecord = {
  callId: 'gw-1:s:1', identity: { keyId: 'k', org: 'acme', workspace: 'research', actor: 'agent:triage' }, name: 'web__echo', server: 'web', tool: 'echo',
  startedAt: Date.now(), durationUs: 1_234, outcome: 'ok', errorCode: null, errorMessage: null, arguments: ARGS, argumentBytes: 4_000, argumentsTooLarge: false,
  result: { content: [{ type: 'text', text: JSON.stringify(ARGS) }] }, decision: { kind: 'permit', ruleId: null, obligations: null, reason: '' }, trace: continueTrace([]),
};
const dir = mkdtempSync(join(tmpdir(), 'mcpg-bench-capture-cpu-'));
const kek = FileKek.parse(generateKekText());
const keystorePath = join(dir, 'keys.json');
writeFileSync(keystorePath, formatKeystore((await rotateOrgKey(emptyKeystore(), 'acme', kek, new Date())).doc));
const keys = new LiveKeyring({ keystorePath, wrapper: kek });
const capture = new PayloadCapture({ config: { keystoreFile: keystorePath, kekFile: '', keyRefreshMs: 60_000, topic: 'mcpg.payloads.v1', rules: [{ org: 'acme', workspaces: [], sampleRate: 1, maxBytes: 16_384, fields: 'both' }] }, instance: 'gw-1', masker, keys });
await capture.start();
const events = new EventFactory({ instance: 'gw-1', masker, countTokens: countO200k, auditPayloadBytes: 8_192, topics: { calls: 'mcpg.calls.v1', audit: 'mcpg.audit.v1' } });
const key = (await keys.get()).current('acme');

const perCall = (f: () => void) => {
  const t = performance.now();
  for (let i = 0; i < N; i++) f();
  return ((performance.now() - t) * 1000) / N;
};
const sides = {
  off: () => void events.forCall(record),
  on: () => {
    const c = capture.capture(record);
    events.forCall(record, c.captured);
  },
};
const parts = {
  'mask arguments (JSON)': () => void JSON.stringify(masker.maskJson(record.arguments)),
  'mask response (JSON)': () => void JSON.stringify(masker.maskJson(record.result)),
  'seal 4 KB (AES-256-GCM)': () => void sealPayload(key.key, { org: 'acme', eventId: 'e', field: 'arguments', keyVersion: key.version }, Buffer.alloc(4_000, 120)),
  'capture() whole': () => void capture.capture(record),
};
perCall(sides.off);
perCall(sides.on);
const us: Record<string, number[]> = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const side of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) (us[side] ??= []).push(perCall(sides[side]));
}
for (const [name, f] of Object.entries(parts)) us[name] = Array.from({ length: 5 }, () => perCall(f));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`payload-capture-cpu: ${N} calls × ${ROUNDS} rounds, 4 KB arguments and response, node ${process.version}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [name, xs] of Object.entries(us)) console.log(`${name.padEnd(28)} ${median(xs).toFixed(1)} µs per call`);
console.log(`capture adds ${(median(us.on!) - median(us.off!)).toFixed(1)} µs of gateway CPU per call (events with capture minus events without)`);
capture.stop();
rmSync(dir, { recursive: true, force: true });
