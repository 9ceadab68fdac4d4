import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  emptyKeystore,
  FileKek,
  formatKeystore,
  generateKekText,
  LiveKeyring,
  openPayload,
  parseKeystore,
  PayloadCryptoError,
  PayloadKeyring,
  readKeystoreFile,
  rewrapKeystore,
  rotateOrgKey,
  sealPayload,
  shredOrgKeys,
  stageKeystoreFile,
  type PayloadCryptoErrorCode,
} from './index.ts';

const now = new Date('2026-12-07T12:00:00Z');
const code = (c: PayloadCryptoErrorCode) => (e: unknown) => e instanceof PayloadCryptoError && e.code === c;
const text = Buffer.from('{"q":"canary-payload"}');

async function sealWith(ring: PayloadKeyring, org: string, eventId: string) {
  const { version, key } = ring.current(org);
  const ctx = { org, eventId, field: 'arguments' as const, keyVersion: version };
  return { ctx, sealed: sealPayload(key, ctx, text) };
}

test('rotation: new payloads use the new version, payloads of the old version still open', async () => {
  const kek = FileKek.parse(generateKekText());
  let doc = (await rotateOrgKey(emptyKeystore(), 'acme', kek, now)).doc;
  const before = await sealWith(await PayloadKeyring.open(doc, kek), 'acme', 'e1');
  const rotated = await rotateOrgKey(doc, 'acme', kek, now);
  assert.equal(rotated.version, 2);
  doc = rotated.doc;
  const ring = await PayloadKeyring.open(doc, kek);
  const after = await sealWith(ring, 'acme', 'e2');
  assert.deepEqual([before.ctx.keyVersion, after.ctx.keyVersion], [1, 2]);
  assert.deepEqual(openPayload(ring.key('acme', 1), before.ctx, before.sealed), text);
  assert.deepEqual(openPayload(ring.key('acme', 2), after.ctx, after.sealed), text);
  assert.throws(() => ring.key('acme', 3), code('KEY_VERSION_MISSING'));
  assert.throws(() => ring.current('other'), code('NO_ORG_KEY'));
});

test('KEK rotation rewraps the data keys: old payloads open under the new KEK, the old KEK opens nothing', async () => {
  const oldKek = FileKek.parse(generateKekText());
  const newKek = FileKek.parse(generateKekText());
  let doc = (await rotateOrgKey(emptyKeystore(), 'acme', oldKek, now)).doc;
  doc = (await rotateOrgKey(doc, 'beta', oldKek, now)).doc;
  const sealed = await sealWith(await PayloadKeyring.open(doc, oldKek), 'acme', 'e1');
  const { doc: rewrapped, rewrapped: which } = await rewrapKeystore(doc, oldKek, newKek);
  assert.deepEqual(which, { acme: [1], beta: [1] });
  assert.ok(rewrapped.orgs.acme!.keys.every((k) => k.kek === newKek.id));
  const ring = await PayloadKeyring.open(rewrapped, newKek);
  assert.deepEqual(openPayload(ring.key('acme', 1), sealed.ctx, sealed.sealed), text);
  await assert.rejects(PayloadKeyring.open(rewrapped, oldKek), code('UNWRAP_FAILED'));
  await assert.rejects(rewrapKeystore(rewrapped, oldKek, newKek), code('UNWRAP_FAILED'));
});

test('a wrapped key copied into another org does not unwrap', async () => {
  const kek = FileKek.parse(generateKekText());
  const doc = (await rotateOrgKey(emptyKeystore(), 'acme', kek, now)).doc;
  const spliced = { ...doc, orgs: { ...doc.orgs, evil: doc.orgs.acme! } };
  await assert.rejects(PayloadKeyring.open(spliced, kek), code('UNWRAP_FAILED'));
});

test('shredding destroys every key of the org: its payloads are KEY_SHREDDED, capture has NO_ORG_KEY until a new version', async () => {
  const kek = FileKek.parse(generateKekText());
  let doc = (await rotateOrgKey(emptyKeystore(), 'acme', kek, now)).doc;
  doc = (await rotateOrgKey(doc, 'acme', kek, now)).doc;
  doc = (await rotateOrgKey(doc, 'beta', kek, now)).doc;
  const shred = shredOrgKeys(doc, 'acme', now);
  assert.deepEqual(shred.versions, [1, 2]);
  assert.ok(!formatKeystore(shred.doc).includes(doc.orgs.acme!.keys[0]!.wrapped), 'no wrapped key of acme is left');
  const ring = await PayloadKeyring.open(shred.doc, kek);
  assert.throws(() => ring.key('acme', 1), code('KEY_SHREDDED'));
  assert.throws(() => ring.current('acme'), code('NO_ORG_KEY'));
  assert.equal(ring.current('beta').version, 1);
  const again = await rotateOrgKey(shred.doc, 'acme', kek, now);
  assert.equal(again.version, 3, 'a shredded version number is never reused');
});

test('a keystore or KEK file out of format is MALFORMED_KEYSTORE; a bad org name is INVALID_ARGUMENT', async () => {
  for (const bad of ['nope', '{}', '{"format":"mcpg-payload-keys/1","orgs":{"a":{"keys":[{"version":0,"kek":"k","wrapped":"w"}],"shredded":[]}}}']) {
    assert.throws(() => parseKeystore(bad), code('MALFORMED_KEYSTORE'), bad);
  }
  assert.throws(() => FileKek.parse('mcpg-kek-v1 c2hvcnQ='), code('MALFORMED_KEYSTORE'));
  await assert.rejects(rotateOrgKey(emptyKeystore(), '', FileKek.parse(generateKekText()), now), code('INVALID_ARGUMENT'));
});

test('the live keyring follows its file: a rotation and a shred reach it without a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'payload-keys-'));
  try {
    const path = join(dir, 'keys.json');
    const kek = FileKek.parse(generateKekText());
    let clock = 0;
    const live = new LiveKeyring({ keystorePath: path, wrapper: kek, checkMs: 10, now: () => clock });
    assert.equal((await live.get()).hasKey('acme'), false, 'no file yet: no keys');
    const one = stageKeystoreFile(path, (await rotateOrgKey(emptyKeystore(), 'acme', kek, now)).doc);
    one.commit();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    clock += 20;
    assert.equal((await live.get()).current('acme').version, 1);
    const staged = stageKeystoreFile(path, shredOrgKeys(readKeystoreFile(path), 'acme', now).doc);
    staged.abort();
    clock += 20;
    assert.equal((await live.get()).current('acme').version, 1, 'an aborted change leaves the keystore as it was');
    writeFileSync(path, formatKeystore(shredOrgKeys(readKeystoreFile(path), 'acme', now).doc));
    clock += 20;
    const ring = await live.get();
    assert.throws(() => ring.key('acme', 1), code('KEY_SHREDDED'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
