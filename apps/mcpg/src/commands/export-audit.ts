// `mcpg export-audit`: writes an org's ledger (signed checkpoints and every
// stored row with its stored hashes) as the NDJSON export `mcpg verify`
// checks offline. Reads the store directly: with the embedded engine, stop
// `mcpg up` first (one process per data directory).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { ConfigError, loadConfig, storeSettings, stringSetting } from '@mcpg/config';
import { isLedgerOrg } from '@mcpg/ledger';
import { ledgerExportLines } from '@mcpg/store';
import { openStore } from '@mcpg/workers';
import type { Command } from '../command.ts';

const settings = {
  ...storeSettings,
  org: stringSetting({ env: 'MCPG_EXPORT_ORG', flag: 'org', default: '', doc: 'Org whose audit ledger to export' }),
  out: stringSetting({ env: 'MCPG_EXPORT_OUT', flag: 'out', default: '', doc: 'Output file; empty or "-": standard output' }),
};

export const exportAuditCommand: Command = {
  name: 'export-audit',
  summary: "Export an org's audit ledger (rows + signed checkpoints) as NDJSON for mcpg verify",
  details: 'Usage: mcpg export-audit --org <org> [--out <file.ndjson>]',
  settings,
  async run(argv, env) {
    const c = loadConfig(settings, { env, argv });
    if (c.org === '') throw new ConfigError('INVALID_SETTING', '--org is required');
    if (!isLedgerOrg(c.org)) throw new ConfigError('INVALID_SETTING', `invalid --org=${JSON.stringify(c.org)}`);
    const store = await openStore(c);
    const toStdout = c.out === '' || c.out === '-';
    const out = toStdout ? process.stdout : createWriteStream(c.out, { flags: 'wx' });
    let last = '';
    try {
      for await (const chunk of ledgerExportLines(store, c.org)) {
        last = chunk;
        if (!out.write(chunk)) await once(out, 'drain');
      }
    } finally {
      await store.close();
      if (!toStdout) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    }
    const { end } = JSON.parse(last) as { end: { checkpoints: number; rows: number } };
    console.error(`exported ${end.rows} rows and ${end.checkpoints} checkpoints of ${c.org}${toStdout ? '' : ` to ${c.out}`}`);
    return 0;
  },
};
