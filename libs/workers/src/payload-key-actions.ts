// The operator's payload-key actions (`mcpg keys payload ...`): rotate an
// org's data key, rotate the key-encryption key (rewrap every data key), and
// shred an org's keys. Each is an operator action in the org's audit ledger:
// the new keystore is staged beside the old one, the audit events are sent to
// mcpg.audit.v1 (the same path as the gateways' events, so the ledger worker
// chains and signs them), and only once the broker has them is the new
// keystore renamed into place. A change that could not be recorded is not
// made.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { auditCodec, operatorAuditEvent, TOPICS, type AuditEvent } from '@mcpg/events';
import type { BusProducer } from '@mcpg/pipeline';
import { readKeystoreFile, rewrapKeystore, rotateOrgKey, shredOrgKeys, stageKeystoreFile, type KeyWrapper, type KeystoreDoc } from '@mcpg/payload-crypto';

export const PAYLOAD_KEY_ACTIONS = {
  rotate: 'operator.payload_key.rotate',
  rewrap: 'operator.payload_kek.rotate',
  shred: 'operator.payload_key.shred',
} as const;

export type PayloadKeyRequest =
  | { readonly action: 'rotate'; readonly org: string; readonly kek: KeyWrapper }
  | { readonly action: 'rewrap'; readonly kek: KeyWrapper; readonly newKek: KeyWrapper }
  | { readonly action: 'shred'; readonly org: string };

export interface PayloadKeyActionOptions {
  readonly keystorePath: string;
  readonly producer: BusProducer;
  /** Who did it, as the ledger shows it (e.g. operator:alice). */
  readonly actor: string;
  readonly auditTopic?: string;
  readonly now?: () => Date;
}

export interface PayloadKeyOutcome {
  /** Per org, the versions the action made, rewrapped or destroyed. */
  readonly orgs: Readonly<Record<string, readonly number[]>>;
  readonly events: readonly AuditEvent[];
}

function operatorEvent(org: string, action: `operator.${string}`, actor: string, resource: string, details: object, at: Date): AuditEvent {
  // The action's parameters (versions, KEK ids) are the row's arguments: never key bytes.
  return operatorAuditEvent({ eventId: `operator:${randomUUID()}`, org, action, actor, resource, details, occurredAt: at.getTime(), instance: `mcpg-cli@${hostname()}` });
}

async function change(req: PayloadKeyRequest, doc: KeystoreDoc, now: Date): Promise<{ doc: KeystoreDoc; orgs: Record<string, number[]>; details: (org: string) => object; resource: (org: string) => string }> {
  switch (req.action) {
    case 'rotate': {
      const r = await rotateOrgKey(doc, req.org, req.kek, now);
      return { doc: r.doc, orgs: { [req.org]: [r.version] }, resource: () => `payload_key/v${r.version}`, details: () => ({ version: r.version, kek: req.kek.id }) };
    }
    case 'rewrap': {
      const r = await rewrapKeystore(doc, req.kek, req.newKek);
      return { doc: r.doc, orgs: r.rewrapped, resource: () => `payload_kek/${req.newKek.id}`, details: (org) => ({ from: req.kek.id, to: req.newKek.id, versions: r.rewrapped[org] }) };
    }
    case 'shred': {
      const r = shredOrgKeys(doc, req.org, now);
      return { doc: r.doc, orgs: { [req.org]: r.versions }, resource: () => `payload_key/${r.versions.map((v) => `v${v}`).join(',') || 'none'}`, details: () => ({ versions: r.versions }) };
    }
  }
}

export async function runPayloadKeyAction(req: PayloadKeyRequest, o: PayloadKeyActionOptions): Promise<PayloadKeyOutcome> {
  const now = (o.now ?? (() => new Date()))();
  const before = readKeystoreFile(o.keystorePath, req.action === 'rotate');
  const c = await change(req, before, now);
  const events = Object.keys(c.orgs).map((org) => operatorEvent(org, PAYLOAD_KEY_ACTIONS[req.action], o.actor, c.resource(org), c.details(org), now));
  const staged = stageKeystoreFile(o.keystorePath, c.doc);
  try {
    if (events.length > 0) await o.producer.send(o.auditTopic ?? TOPICS.audit, events.map((e) => ({ key: e.org, value: auditCodec.encode(e) })));
  } catch (e) {
    staged.abort();
    throw e;
  }
  staged.commit();
  return { orgs: c.orgs, events };
}
