// The operator's payload-key actions: each changes the keystore only once its
// audit events are on the bus, and those events fold into the org's signed
// ledger chain like any gateway event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditCodec, TOPICS } from '@mcpg/events';
import { SigningKeys, signerKeyFromSeed } from '@mcpg/ledger';
import { createMasker } from '@mcpg/masking';
import { FileKek, generateKekText, PayloadKeyring, readKeystoreFile } from '@mcpg/payload-crypto';
import type { BusProducer, OutgoingMessage } from '@mcpg/pipeline';
import { foldLedgerBatch } from './ledger-fold-batch.ts';
import { maskAuditEvent } from './ledger-event.ts';
import { PAYLOAD_KEY_ACTIONS, runPayloadKeyAction } from './payload-key-actions.ts';

function recorder(fail = false): BusProducer & { sent: { topic: string; messages: readonly OutgoingMessage[] }[] } {
  const sent: { topic: string; messages: readonly OutgoingMessage[] }[] = [];
  return {
    sent,
    async send(topic, messages) {
      if (fail) throw new Error('broker unreachable');
      sent.push({ topic, messages });
    },
    async close() {},
  };
}

test('rotate, KEK rotation and shred each reach the ledger as signed operator actions of the org', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'payload-actions-'));
  try {
    const keystorePath = join(dir, 'keys.json');
    const kek = FileKek.parse(generateKekText());
    const newKek = FileKek.parse(generateKekText());
    const producer = recorder();
    const o = { keystorePath, producer, actor: 'operator:alice', now: () => new Date('2026-12-07T10:00:00Z') };
    await runPayloadKeyAction({ action: 'rotate', org: 'acme', kek }, o);
    await runPayloadKeyAction({ action: 'rotate', org: 'acme', kek }, o);
    const rewrap = await runPayloadKeyAction({ action: 'rewrap', kek, newKek }, o);
    assert.deepEqual(rewrap.orgs, { acme: [1, 2] });
    assert.equal((await PayloadKeyring.open(readKeystoreFile(keystorePath), newKek)).current('acme').version, 2);
    const shred = await runPayloadKeyAction({ action: 'shred', org: 'acme' }, o);
    assert.deepEqual(shred.orgs, { acme: [1, 2] });

    const events = producer.sent.flatMap((s) => {
      assert.equal(s.topic, TOPICS.audit);
      return s.messages.map((m) => {
        assert.equal(m.key, 'acme', 'keyed by org like every audit event');
        return auditCodec.decode(m.value!);
      });
    });
    assert.deepEqual(
      events.map((e) => [e.action, e.resource, e.actor]),
      [
        [PAYLOAD_KEY_ACTIONS.rotate, 'payload_key/v1', 'operator:alice'],
        [PAYLOAD_KEY_ACTIONS.rotate, 'payload_key/v2', 'operator:alice'],
        [PAYLOAD_KEY_ACTIONS.rewrap, `payload_kek/${newKek.id}`, 'operator:alice'],
        [PAYLOAD_KEY_ACTIONS.shred, 'payload_key/v1,v2', 'operator:alice'],
      ],
    );
    // The parameters, never key bytes.
    assert.deepEqual(JSON.parse(events[3]!.arguments!), { versions: [1, 2] });
    assert.deepEqual(JSON.parse(events[2]!.arguments!), { from: kek.id, to: newKek.id, versions: [1, 2] });
    // The ledger worker's fold turns them into rows of acme's chain and signs a checkpoint.
    const keys = new SigningKeys([{ key: signerKeyFromSeed('test.invalid/unit', new Uint8Array(32).fill(3)), window: { notBefore: null, notAfter: null } }]);
    const masker = createMasker();
    const writes = foldLedgerBatch(
      events.map((e, i) => ({ event: maskAuditEvent(masker, e), partition: 0, offset: String(i), routedPartition: 0 })),
      new Map(),
      { rows: 4, seconds: 3600 },
      keys,
    );
    assert.deepEqual(writes.rows.map((r) => [r.row.org, r.row.seq, r.row.action]), events.map((e, i) => ['acme', BigInt(i), e.action]));
    assert.equal(writes.checkpoints.length, 1, 'the four actions close a signed segment');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a change the bus did not take is not made: the keystore stays as it was', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'payload-actions-'));
  try {
    const keystorePath = join(dir, 'keys.json');
    const kek = FileKek.parse(generateKekText());
    await runPayloadKeyAction({ action: 'rotate', org: 'acme', kek }, { keystorePath, producer: recorder(), actor: 'operator:alice' });
    const before = readFileSync(keystorePath, 'utf8');
    await assert.rejects(runPayloadKeyAction({ action: 'shred', org: 'acme' }, { keystorePath, producer: recorder(true), actor: 'operator:alice' }), /broker unreachable/);
    assert.equal(readFileSync(keystorePath, 'utf8'), before);
    assert.equal((await PayloadKeyring.open(readKeystoreFile(keystorePath), kek)).current('acme').version, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
