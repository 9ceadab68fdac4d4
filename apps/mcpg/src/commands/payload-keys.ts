// `mcpg keys payload-kek` and `mcpg keys payload rotate|rewrap|shred|list`:
// the operator's side of payload capture's envelope keys. The actions that
// change keys are recorded in each org's audit ledger before they take
// effect (see runPayloadKeyAction); `list` shows versions, never key bytes.
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { busSettings, ConfigError, loadConfig, payloadKeySettings, stringSetting, telemetrySettings } from '@mcpg/config';
import { TOPICS } from '@mcpg/events';
import { generateKekText, readKekFile, readKeystoreFile } from '@mcpg/payload-crypto';
import { createLogger } from '@mcpg/telemetry';
import { openBus, runPayloadKeyAction, type PayloadKeyRequest } from '@mcpg/workers';

export const payloadKeysSettings = {
  ...busSettings,
  ...payloadKeySettings,
  logLevel: telemetrySettings.logLevel,
  org: stringSetting({ env: 'MCPG_KEY_ORG', flag: 'org', default: '', doc: 'The org whose payload key to rotate or shred' }),
  newKek: stringSetting({ env: 'MCPG_NEW_PAYLOAD_KEK_FILE', flag: 'new-kek', default: '', doc: 'rewrap: the new key-encryption key file' }),
  actor: stringSetting({ env: 'MCPG_OPERATOR', flag: 'actor', default: '', doc: 'Who does it, as the ledger records it (default: operator:<login name>)' }),
  out: stringSetting({ env: 'MCPG_KEY_OUT', flag: 'out', default: '', doc: 'payload-kek: file for the new KEK (created with mode 0600; never overwritten)' }),
};

export const PAYLOAD_USAGE = [
  'mcpg keys payload-kek --out <kek file>',
  'mcpg keys payload rotate --org <org> --payload-keystore <file> --payload-kek <kek file>',
  'mcpg keys payload rewrap --payload-keystore <file> --payload-kek <old kek> --new-kek <new kek>',
  'mcpg keys payload shred --org <org> --payload-keystore <file>',
  'mcpg keys payload list --payload-keystore <file>',
].join('\n       ');

export async function runPayloadKek(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const c = loadConfig(payloadKeysSettings, { env, argv });
  if (c.out === '') throw new ConfigError('INVALID_SETTING', '--out is required (the file for the new KEK)');
  try {
    writeFileSync(c.out, generateKekText(), { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ConfigError('INVALID_SETTING', `--out ${c.out} already exists; a KEK file is never overwritten`);
    throw e;
  }
  console.error(`KEK written to ${c.out} (mode 0600): mount it as a secret for the gateway and the query API (MCPG_PAYLOAD_KEK_FILE)`);
  return 0;
}

export async function runPayloadKeys(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [verb, ...rest] = argv;
  const c = loadConfig(payloadKeysSettings, { env, argv: rest });
  if (c.payloadKeystoreFile === '') throw new ConfigError('INVALID_SETTING', '--payload-keystore (MCPG_PAYLOAD_KEYSTORE_FILE) is required');
  if (verb === 'list') {
    const doc = readKeystoreFile(c.payloadKeystoreFile);
    for (const [org, o] of Object.entries(doc.orgs)) {
      const live = o.keys.map((k) => `v${k.version} (kek ${k.kek}, ${k.created_at})`).join(', ') || 'none';
      const shredded = o.shredded.map((k) => `v${k.version}`).join(', ') || 'none';
      console.log(`${org}: live ${live}; shredded ${shredded}`);
    }
    return 0;
  }
  const needKek = () => {
    if (c.payloadKekFile === '') throw new ConfigError('INVALID_SETTING', '--payload-kek (MCPG_PAYLOAD_KEK_FILE) is required');
    return readKekFile(c.payloadKekFile);
  };
  const needOrg = () => {
    if (c.org === '') throw new ConfigError('INVALID_SETTING', '--org is required');
    return c.org;
  };
  let req: PayloadKeyRequest;
  if (verb === 'rotate') req = { action: 'rotate', org: needOrg(), kek: needKek() };
  else if (verb === 'shred') req = { action: 'shred', org: needOrg() };
  else if (verb === 'rewrap') {
    if (c.newKek === '') throw new ConfigError('INVALID_SETTING', '--new-kek is required (the new KEK file)');
    req = { action: 'rewrap', kek: needKek(), newKek: readKekFile(c.newKek) };
  } else {
    console.error(`usage: ${PAYLOAD_USAGE}`);
    return 2;
  }
  if (c.bus === 'memory') throw new ConfigError('INVALID_SETTING', 'mcpg keys payload needs a broker: its ledger record would vanish with an in-process bus');
  const log = createLogger({ name: 'mcpg-keys', level: c.logLevel });
  const bus = openBus(c, log, 'keys');
  try {
    await bus.ensureTopics([{ name: TOPICS.audit, partitions: c.partitions }]);
    const producer = await bus.producer();
    try {
      const outcome = await runPayloadKeyAction(req, { keystorePath: c.payloadKeystoreFile, producer, actor: c.actor || `operator:${userInfo().username}` });
      for (const [org, versions] of Object.entries(outcome.orgs)) console.log(`${verb} ${org}: ${versions.map((v) => `v${v}`).join(', ') || 'no live keys'} (recorded in the ledger)`);
    } finally {
      await producer.close();
    }
  } finally {
    await bus.close();
  }
  return 0;
}
