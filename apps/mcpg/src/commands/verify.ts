// `mcpg verify`: the offline auditor. Reads an export (`mcpg export-audit` or
// the API's export endpoint) and a public keyring, recomputes every leaf, the
// chain and the signed roots, and prints one verdict. Trusts nothing but the
// keyring (and, with --trusted, the last checkpoint it accepted before).
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError, loadConfig, stringSetting } from '@mcpg/config';
import { Keyring, LedgerExportReader, isLedgerOrg, verifyLedger, type LedgerExport } from '@mcpg/ledger';
import type { Command } from '../command.ts';
import { readTrustedState, writeTrustedState } from './trusted-state-file.ts';
import { VERIFY_EXIT, exitCodeOf, failureReport, successReport } from './verify-verdict.ts';

const settings = {
  publicKey: stringSetting({
    env: 'MCPG_VERIFY_PUBLIC_KEY',
    flag: 'public-key',
    default: '',
    doc: 'Public keyring file (one verifier key per line, with optional validity windows): the keys checkpoints may be signed with',
  }),
  trusted: stringSetting({
    env: 'MCPG_VERIFY_TRUSTED',
    flag: 'trusted',
    default: '',
    doc: 'State file with the last checkpoint trusted; created if missing, advanced after a verified run',
  }),
  org: stringSetting({ env: 'MCPG_VERIFY_ORG', flag: 'org', default: '', doc: "Org whose ledger this must be; empty: the export header's" }),
};

async function readExport(path: string): Promise<LedgerExport> {
  const reader = new LedgerExportReader();
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) reader.push(line);
  return reader.finish();
}

/** The first argument that is neither a flag nor a flag's value. */
function positional(argv: readonly string[]): { path: string; index: number } {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a.startsWith('--')) {
      if (!a.includes('=')) i++;
      continue;
    }
    return { path: a, index: i };
  }
  return { path: '', index: -1 };
}

function unreadable(what: string, e: unknown): number {
  const why = e instanceof Error ? e.message : String(e);
  console.error(`NOT VERIFIED: cannot read ${what}: ${why}`);
  return VERIFY_EXIT.UNREADABLE;
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Verify an audit ledger export offline against a public keyring; exit 0 only if verified',
  details: [
    'Usage: mcpg verify <export.ndjson> --public-key <keyring file> [--trusted <state file>] [--org <org>]',
    `Exit codes: ${VERIFY_EXIT.VERIFIED} verified, ${VERIFY_EXIT.USAGE} usage, ${VERIFY_EXIT.UNREADABLE} input unreadable, ${VERIFY_EXIT.NOT_SIGNED} nothing signed,`,
    `${VERIFY_EXIT.TAMPERED} tampered, ${VERIFY_EXIT.UNTRUSTED_SIGNATURE} checkpoint not signed by a valid trusted key.`,
  ].join('\n'),
  settings,
  async run(argv, env) {
    // The export is the one positional argument, before or after the flags.
    const exportFile = positional(argv);
    const c = loadConfig(settings, { env, argv: argv.filter((_, i) => i !== exportFile.index) });
    if (exportFile.path === '') throw new ConfigError('INVALID_SETTING', 'the export file is required: mcpg verify <export.ndjson> --public-key <file>');
    if (c.publicKey === '') throw new ConfigError('INVALID_SETTING', '--public-key is required (the public keyring file)');
    if (c.org !== '' && !isLedgerOrg(c.org)) throw new ConfigError('INVALID_SETTING', `invalid --org=${JSON.stringify(c.org)}`);

    let keyring: Keyring;
    try {
      keyring = Keyring.parse(readFileSync(c.publicKey, 'utf8'));
    } catch (e) {
      return unreadable(`the public key file ${c.publicKey}`, e);
    }
    if (keyring.entries.length === 0) return unreadable(`the public key file ${c.publicKey}`, new Error('it lists no key'));
    let exported: LedgerExport;
    try {
      exported = await readExport(exportFile.path);
    } catch (e) {
      return unreadable(`the export ${exportFile.path}`, e);
    }
    let trusted;
    try {
      trusted = c.trusted === '' ? undefined : readTrustedState(c.trusted);
    } catch (e) {
      return unreadable(`the trusted state ${c.trusted}`, e);
    }
    const org = c.org || exported.org;
    if (org !== exported.org) console.error(`note: the export header names org ${JSON.stringify(exported.org)}; verifying it as the ledger of ${JSON.stringify(org)}`);

    const result = verifyLedger({ org, rows: exported.rows, checkpoints: exported.checkpoints, keyring, trusted, ...(exported.pruned ? { pruned: exported.pruned } : {}) });
    if (!result.ok) {
      console.log(failureReport(result.error));
      return exitCodeOf(result.error.code);
    }
    console.log(successReport(result));
    if (result.signedSize === 0) return VERIFY_EXIT.NOT_SIGNED;
    if (c.trusted !== '' && result.latest && (trusted === undefined || result.latest.checkpoint.size > trusted.size)) {
      writeTrustedState(c.trusted, result.latest.note);
      console.log(`  trusted state ${c.trusted} now holds the checkpoint of size ${result.latest.checkpoint.size}`);
    }
    return VERIFY_EXIT.VERIFIED;
  },
};
