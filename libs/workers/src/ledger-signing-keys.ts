// Where the ledger worker's signing keys come from: a key file (mode 0600,
// written by `mcpg keys generate`) or the secret MCPG_LEDGER_KEY text. The
// all-in-one demo (`mcpg up`) makes a key under its data directory when
// neither is configured, so checkpoints are signed from the first run.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SigningKeys, formatSignerKey, generateSignerKey } from '@mcpg/ledger';

export interface SigningKeyConfig {
  readonly ledgerKeyFile: string;
  readonly ledgerKey: string;
}

export class SigningKeyConfigError extends Error {
  readonly code = 'INVALID_SIGNING_KEYS';
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SigningKeyConfigError';
  }
}

/** Reads the configured keys; undefined when none is configured. Never puts key text in an error. */
export function loadSigningKeys(c: SigningKeyConfig): SigningKeys | undefined {
  if (c.ledgerKeyFile !== '' && c.ledgerKey !== '') {
    throw new SigningKeyConfigError('set MCPG_LEDGER_KEY_FILE or MCPG_LEDGER_KEY, not both');
  }
  let text: string;
  let where: string;
  if (c.ledgerKeyFile !== '') {
    where = `MCPG_LEDGER_KEY_FILE ${c.ledgerKeyFile}`;
    try {
      text = readFileSync(c.ledgerKeyFile, 'utf8');
    } catch (e) {
      throw new SigningKeyConfigError(`cannot read ${where}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
    }
  } else if (c.ledgerKey !== '') {
    where = 'MCPG_LEDGER_KEY';
    text = c.ledgerKey;
  } else {
    return undefined;
  }
  let keys: SigningKeys;
  try {
    keys = SigningKeys.parse(text);
  } catch (e) {
    // The parser's message names the line, not its content.
    const code = (e as { code?: string }).code ?? 'MALFORMED_KEY';
    throw new SigningKeyConfigError(`${where} is not a signing key file (${code}: ${(e as Error).message})`, { cause: e });
  }
  if (keys.entries.length === 0) throw new SigningKeyConfigError(`${where} holds no signing key`);
  return keys;
}

export interface DemoKey {
  readonly keys: SigningKeys;
  readonly privateFile: string;
  readonly publicFile: string;
  readonly created: boolean;
}

/**
 * The demo key of a data directory: <dataDir>/ledger/signing.key (0600) and
 * the public keyring beside it, created on first use and reused afterwards
 * (a new key each start would leave old checkpoints unverifiable with the
 * published file).
 */
export function demoSigningKey(dataDir: string, name = 'mcpg-demo/ledger'): DemoKey {
  const dir = join(resolve(dataDir), 'ledger');
  const privateFile = join(dir, 'signing.key');
  const publicFile = join(dir, 'public.keys');
  let created = false;
  if (!existsSync(privateFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(privateFile, `${formatSignerKey(generateSignerKey(name))}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  } else if ((statSync(privateFile).mode & 0o077) !== 0) {
    chmodSync(privateFile, 0o600);
  }
  const keys = loadSigningKeys({ ledgerKeyFile: privateFile, ledgerKey: '' }) as SigningKeys;
  writeFileSync(publicFile, keys.keyring().format());
  return { keys, privateFile, publicFile, created };
}
