// An org's ledger as export lines (libs/ledger's export format), read from the
// store page by page: checkpoints first, oldest first, then every stored row
// in seq order — duplicates and gaps included, so the verifier sees what the
// database holds — then the end line. Checkpoints are read before the rows:
// the worker stores rows before the checkpoints that sign them, so every
// checkpoint exported is covered by the rows that follow. A ledger pruned by
// retention exports as version 2: its pruned line (the subtree hashes standing
// in for rows 0 .. S - 1), then the rows from S.
import { exportCheckpointLine, exportEndLine, exportHeaderLine, exportPrunedLine, exportRowLine } from '@mcpg/ledger';
import { queryPrunedPrefix } from './ledger-pruning.ts';
import type { Store } from '../create-store.ts';
import { queryAllCheckpoints } from './ledger-checkpoints.ts';
import { queryLedgerRowSpan, queryLedgerRows } from './ledger-rows.ts';

export async function* ledgerExportLines(store: Store, org: string, pageRows = 50_000): AsyncGenerator<string> {
  const pruned = await queryPrunedPrefix(store, org);
  yield exportHeaderLine(org, pruned !== undefined);
  const checkpoints = await queryAllCheckpoints(store, org);
  for (const c of checkpoints) yield exportCheckpointLine(c.note);
  if (pruned) yield exportPrunedLine(pruned);
  const span = await queryLedgerRowSpan(store, org);
  let rows = 0;
  if (span.maxSeq !== null) {
    // Rows below the pruned size that a pending delete has not removed yet are not exported.
    for (let from = pruned?.size ?? 0; from <= span.maxSeq; from += pageRows) {
      const page = await queryLedgerRows(store, { org, fromSeq: from, toSeq: from + pageRows });
      let chunk = '';
      for (const r of page) chunk += exportRowLine(r);
      rows += page.length;
      if (chunk) yield chunk;
    }
  }
  yield exportEndLine({ checkpoints: checkpoints.length, rows });
}
