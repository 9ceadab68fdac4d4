// An org's ledger as export lines (libs/ledger's export format), read from the
// store page by page: checkpoints first, oldest first, then every stored row
// in seq order — duplicates and gaps included, so the verifier sees what the
// database holds — then the end line. Checkpoints are read before the rows:
// the worker stores rows before the checkpoints that sign them, so every
// checkpoint exported is covered by the rows that follow.
import { exportCheckpointLine, exportEndLine, exportHeaderLine, exportRowLine } from '@mcpg/ledger';
import type { Store } from '../create-store.ts';
import { queryAllCheckpoints } from './ledger-checkpoints.ts';
import { queryLedgerRowSpan, queryLedgerRows } from './ledger-rows.ts';

export async function* ledgerExportLines(store: Store, org: string, pageRows = 50_000): AsyncGenerator<string> {
  yield exportHeaderLine(org);
  const checkpoints = await queryAllCheckpoints(store, org);
  for (const c of checkpoints) yield exportCheckpointLine(c.note);
  const span = await queryLedgerRowSpan(store, org);
  let rows = 0;
  if (span.maxSeq !== null) {
    for (let from = 0; from <= span.maxSeq; from += pageRows) {
      const page = await queryLedgerRows(store, { org, fromSeq: from, toSeq: from + pageRows });
      let chunk = '';
      for (const r of page) chunk += exportRowLine(r);
      rows += page.length;
      if (chunk) yield chunk;
    }
  }
  yield exportEndLine({ checkpoints: checkpoints.length, rows });
}
