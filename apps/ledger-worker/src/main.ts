// ledger-worker: folds audit events into the per-org signed ledger in
// ClickHouse. Needs a signing key (MCPG_LEDGER_KEY_FILE or MCPG_LEDGER_KEY).
// Instances with the same group share the partitions of mcpg.audit.v1 (routing it
// by org into mcpg.audit.by-org.v1) and of mcpg.audit.by-org.v1 (folding it).
import { busSettings, ledgerSettings, loadConfig, planCatalogue, retentionSettings, storeSettings, telemetrySettings, workerSettings } from '@mcpg/config';
import { OrgRetention, startLedgerPruning } from '@mcpg/store';
import { createLogger, startAppTracing } from '@mcpg/telemetry';
import { ledgerWorkerOptions, loadSigningKeys, runWorkerProcess, startLedgerWorker } from '@mcpg/workers';

const c = loadConfig({ ...busSettings, ...storeSettings, ...workerSettings, ...ledgerSettings, ...telemetrySettings, ...retentionSettings }, { env: process.env, argv: process.argv.slice(2) });
const log = createLogger({ name: 'ledger-worker', level: c.logLevel });
const signingKeys = loadSigningKeys(c);
if (signingKeys === undefined) {
  log.fatal({}, 'no signing key: set MCPG_LEDGER_KEY_FILE (see `mcpg keys generate`) or MCPG_LEDGER_KEY');
  process.exit(2);
}
const tracing = startAppTracing('mcpg-ledger-worker', c, log);
await runWorkerProcess({
  name: 'ledger-worker',
  config: c,
  log,
  tracing,
  start: ({ bus, store, onFlushed, onFatal }) => {
    // The audit class of each org's plan: expired signed segments are pruned every hour.
    startLedgerPruning(new OrgRetention(store, planCatalogue(c)), 3_600_000, {
      onPruned: (r) => log.info({ org: r.org, prunedSize: r.prunedSize, newlyPruned: r.newlyPruned }, 'ledger rows past the audit window pruned'),
      onError: (e) => log.warn({ err: String(e) }, 'ledger pruning failed; trying again in an hour'),
    });
    return startLedgerWorker({
      bus,
      store,
      signingKeys,
      ...ledgerWorkerOptions(c),
      onFlushed,
      log,
      onFatal: (e) => {
        log.error({ err: String(e) }, 'ledger worker cannot go on; stopping');
        onFatal(e);
      },
    });
  },
  describe: () => ({ keys: signingKeys.keyring().format().trim().split('\n') }),
});
