// `mcpg keys generate`: a new Ed25519 signer key for the audit ledger's
// checkpoints. The private key goes to a file only its owner can read; the
// public keyring line (what auditors and the API publish) goes to stdout and,
// with --public-out, is appended to a keyring file (a rotation adds a line).
import { appendFileSync, writeFileSync } from 'node:fs';
import { ConfigError, loadConfig, stringSetting } from '@mcpg/config';
import { Keyring, SigningKeys, formatSignerKey, generateSignerKey, isValidKeyName } from '@mcpg/ledger';
import type { Command } from '../command.ts';
import { PAYLOAD_USAGE, payloadKeysSettings, runPayloadKek, runPayloadKeys } from './payload-keys.ts';

const settings = {
  name: stringSetting({ env: 'MCPG_KEY_NAME', flag: 'name', default: '', doc: 'Key name, e.g. ledger.example.com (no spaces or "+")' }),
  out: stringSetting({ env: 'MCPG_KEY_OUT', flag: 'out', default: '', doc: 'File for the private signer key (created with mode 0600; never overwritten)' }),
  publicOut: stringSetting({ env: 'MCPG_KEY_PUBLIC_OUT', flag: 'public-out', default: '', doc: 'Keyring file to append the public key line to' }),
  notBefore: stringSetting({
    env: 'MCPG_KEY_NOT_BEFORE',
    flag: 'not-before',
    default: '',
    doc: 'First event time the key may sign for (ISO 8601 UTC, e.g. 2026-07-01T00:00:00Z); empty: always',
  }),
  notAfter: stringSetting({
    env: 'MCPG_KEY_NOT_AFTER',
    flag: 'not-after',
    default: '',
    doc: 'Event time from which the key may no longer sign (exclusive); empty: forever',
  }),
};

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/;

/** The keyring option for a window bound, in the one spelling keyring files accept. */
function windowOption(option: string, flag: string, value: string): string {
  if (value === '') return '';
  const ms = ISO_UTC.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw new ConfigError('INVALID_SETTING', `invalid --${flag}=${JSON.stringify(value)}: must be an ISO 8601 UTC time like 2026-07-01T00:00:00Z`);
  return ` ${option}=${new Date(ms).toISOString()}`;
}

export const keysCommand: Command = {
  name: 'keys',
  summary: 'keys generate: an Ed25519 signer key for ledger checkpoints; keys payload ...: payload capture keys (rotate, KEK rewrap, shred)',
  details: `Usage: mcpg keys generate --name <key name> --out <private key file> [--public-out <keyring file>] [--not-before T] [--not-after T]\n       ${PAYLOAD_USAGE}`,
  settings: { ...settings, ...payloadKeysSettings },
  async run(argv, env) {
    const [action, ...rest] = argv;
    if (action === 'payload-kek') return runPayloadKek(rest, env);
    if (action === 'payload') return runPayloadKeys(rest, env);
    if (action !== 'generate') {
      console.error(`usage: mcpg keys generate --name <key name> --out <file> [--public-out <keyring file>] [--not-before T] [--not-after T]\n       ${PAYLOAD_USAGE}`);
      return 2;
    }
    const c = loadConfig(settings, { env, argv: rest });
    if (c.name === '') throw new ConfigError('INVALID_SETTING', '--name is required (the key name, e.g. ledger.example.com)');
    if (!isValidKeyName(c.name)) throw new ConfigError('INVALID_SETTING', `invalid --name=${JSON.stringify(c.name)}: no spaces, "+" or control characters`);
    if (c.out === '') throw new ConfigError('INVALID_SETTING', '--out is required (the file for the private key)');
    const window = windowOption('not-before', 'not-before', c.notBefore) + windowOption('not-after', 'not-after', c.notAfter);
    const signerLine = `${formatSignerKey(generateSignerKey(c.name))}${window}\n`;
    // Parsing our own output checks the window (not-after after not-before) with the keyring's rules.
    let publicLine: string;
    try {
      publicLine = SigningKeys.parse(signerLine).keyring().format();
      Keyring.parse(publicLine);
    } catch (e) {
      throw new ConfigError('INVALID_SETTING', e instanceof Error ? e.message : String(e));
    }
    // 'wx': an existing key file is never replaced (that would orphan every checkpoint it signed).
    try {
      writeFileSync(c.out, signerLine, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ConfigError('INVALID_SETTING', `--out ${c.out} already exists; a key file is never overwritten`);
      throw e;
    }
    if (c.publicOut !== '') appendFileSync(c.publicOut, publicLine);
    process.stdout.write(publicLine);
    console.error(`private signer key written to ${c.out} (mode 0600); the line above is the public key to publish`);
    return 0;
  },
};
