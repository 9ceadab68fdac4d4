// Capture seals what the rule asks for, after masking, under the org's
// current key; the call's other events then carry a marker instead of the
// captured text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditCodec, payloadCodec, toolCallCodec, type ToolCallPayload } from '@mcpg/events';
import { createMasker, type Masker } from '@mcpg/masking';
import { emptyKeystore, FileKek, formatKeystore, generateKekText, LiveKeyring, openPayload, PayloadKeyring, readKeystoreFile, rotateOrgKey, type KeystoreDoc } from '@mcpg/payload-crypto';
import { continueTrace } from '../trace/trace-context.ts';
import type { CallRecord } from '../events/call-record.ts';
import { EventFactory, SEALED_MARKER } from '../events/event-factory.ts';
import { countO200k } from '../events/token-counter.ts';
import type { CaptureConfig, CaptureRule } from './capture-config.ts';
import { cutUtf8, PayloadCapture } from './payload-capture.ts';

const GITHUB = 'ghp_' + 'R7sK2mQ9xW4vB8nL3pZ6tY1cF5hJ0dA2gE9u';
const CANARY = 'canary-4be1f0c2';
const masker = createMasker();
const call = (over: Partial<CallRecord> = {}): CallRecord => ({
  callId: 'gw-1:s:1',
  identity: { keyId: 'k', org: 'acme', workspace: 'research', actor: 'agent:triage' },
  name: 'github__search',
  server: 'github',
  tool: 'search',
  startedAt: 1_767_225_600_123,
  durationUs: 1_234,
  outcome: 'ok',
  errorCode: null,
  errorMessage: null,
  arguments: { query: `find ${CANARY}`, token: GITHUB },
  argumentBytes: 60,
  argumentsTooLarge: false,
  result: { content: [{ type: 'text', text: `result ${CANARY} ` + 'é'.repeat(50) }] },
  decision: { kind: 'permit', ruleId: null, obligations: null, reason: '' },
  trace: continueTrace([]),
  ...over,
});

async function setup(rule: Partial<CaptureRule> = {}, doc?: (kek: FileKek) => Promise<KeystoreDoc>, random?: () => number, withMasker: Masker = masker) {
  const dir = mkdtempSync(join(tmpdir(), 'capture-'));
  const kek = FileKek.parse(generateKekText());
  const keystorePath = join(dir, 'keys.json');
  writeFileSync(keystorePath, formatKeystore(doc ? await doc(kek) : (await rotateOrgKey(emptyKeystore(), 'acme', kek, new Date())).doc));
  const config: CaptureConfig = { keystoreFile: keystorePath, kekFile: '', keyRefreshMs: 60_000, topic: 'mcpg.payloads.v1', rules: [{ org: 'acme', workspaces: [], sampleRate: 1, maxBytes: 16_384, fields: 'both', ...rule }] };
  const skipped: string[] = [];
  const capture = new PayloadCapture({ config, instance: 'gw-1', masker: withMasker, keys: new LiveKeyring({ keystorePath, wrapper: kek }), ...(random ? { random } : {}), onSkipped: (org, reason) => skipped.push(`${org}:${reason}`) });
  await capture.start();
  const ring = await PayloadKeyring.open(readKeystoreFile(keystorePath), kek);
  const open = (p: ToolCallPayload) => openPayload(ring.key(p.org, p.key_version), { org: p.org, eventId: p.event_id, field: p.field, keyVersion: p.key_version }, p).toString('utf8');
  return { capture, open, skipped, done: () => (capture.stop(), rmSync(dir, { recursive: true, force: true })) };
}

test('arguments and response are masked, then sealed; no plaintext in the records; the other events carry the marker', async () => {
  const s = await setup();
  try {
    const out = s.capture.capture(call());
    assert.deepEqual(out.captured, { arguments: true, response: true });
    assert.equal(out.records.length, 2);
    for (const r of out.records) {
      assert.equal(r.key, 'acme');
      assert.equal(r.topic, 'mcpg.payloads.v1');
      assert.ok(!r.value.includes(CANARY) && !r.value.includes(GITHUB), 'sealed: neither the canary nor the secret in the bytes');
    }
    const [args, response] = out.records.map((r) => payloadCodec.decode(r.value));
    assert.equal(args!.field, 'arguments');
    const argsText = s.open(args!);
    assert.ok(argsText.includes(CANARY), 'the captured text opens');
    assert.ok(!argsText.includes(GITHUB) && argsText.includes('[REDACTED:'), 'the secret was masked before sealing');
    assert.ok(s.open(response!).includes(CANARY));

    const factory = new EventFactory({ instance: 'gw-1', masker, countTokens: countO200k, auditPayloadBytes: 4096, topics: { calls: 'c', audit: 'a' } });
    const [c, a] = factory.forCall(call({ outcome: 'error', errorCode: 'TOOL_ERROR', errorMessage: `failed ${CANARY}` }), out.captured);
    assert.ok(!c!.value.includes(CANARY) && !a!.value.includes(CANARY), 'no captured text in the call or audit event');
    const audit = auditCodec.decode(a!.value);
    assert.deepEqual([audit.arguments, audit.response, audit.error], [SEALED_MARKER, SEALED_MARKER, SEALED_MARKER]);
    assert.equal(toolCallCodec.decode(c!.value).error_message, SEALED_MARKER);
  } finally {
    s.done();
  }
});

test('fields, workspaces and sample rate decide; a call not captured keeps its events as before', async () => {
  const draws = [0.2, 0.7];
  const s = await setup({ fields: 'arguments', workspaces: ['research'], sampleRate: 0.5 }, undefined, () => draws.shift() ?? 0);
  try {
    const out = s.capture.capture(call());
    assert.deepEqual(out.captured, { arguments: true, response: false }, 'arguments only');
    assert.equal(s.capture.capture(call()).records.length, 0, 'a draw of 0.7 is outside a 0.5 sample');
    assert.equal(s.capture.capture(call({ identity: { keyId: 'k', org: 'acme', workspace: 'other', actor: 'a' } })).records.length, 0, 'another workspace');
    assert.equal(s.capture.capture(call({ identity: { keyId: 'k', org: 'beta', workspace: 'research', actor: 'a' } })).records.length, 0, 'another org');
  } finally {
    s.done();
  }
});

test('the size cap cuts on a character boundary and says so', async () => {
  const s = await setup({ maxBytes: 41, fields: 'response' });
  try {
    const [r] = s.capture.capture(call()).records;
    const p = payloadCodec.decode(r!.value);
    assert.equal(p.truncated, true);
    assert.ok(p.original_bytes > 41);
    assert.ok(p.ciphertext.length <= 41);
    assert.ok(!s.open(p).includes('\uFFFD'), 'no broken character');
    assert.equal(cutUtf8(Buffer.from('aé'), 2).toString(), 'a');
  } finally {
    s.done();
  }
});

test('an org with no live key is skipped and counted, never sent in the clear', async () => {
  const s = await setup({}, async () => emptyKeystore());
  try {
    const out = s.capture.capture(call());
    assert.deepEqual(out, { records: [], captured: { arguments: false, response: false } });
    assert.deepEqual(s.skipped, ['acme:no_key']);
  } finally {
    s.done();
  }
});

test('a captured call is masked once per field: the call\'s events carry the marker and mask nothing again', async () => {
  const counts = { json: 0, text: 0, string: 0 };
  const counting: Masker = {
    ...masker,
    maskJson: (value, ...rest) => (counts.json++, masker.maskJson(value, ...rest)),
    maskText: (text, ...rest) => (counts.text++, masker.maskText(text, ...rest)),
    maskString: (value, ...rest) => (counts.string++, masker.maskString(value, ...rest)),
  };
  const s = await setup({}, undefined, undefined, counting);
  try {
    const factory = new EventFactory({ instance: 'gw-1', masker: counting, countTokens: countO200k, auditPayloadBytes: 4096, topics: { calls: 'c', audit: 'a' } });
    const out = s.capture.capture(call());
    factory.forCall(call(), out.captured);
    assert.deepEqual(counts, { json: 2, text: 0, string: 0 }, 'arguments and response masked once each, for the sealed payloads');
    // Without capture the events mask the same two fields themselves: capture moves the masking, it does not add any.
    counts.json = counts.text = counts.string = 0;
    factory.forCall(call());
    assert.equal(counts.json + counts.text, 2);
  } finally {
    s.done();
  }
});
