// GET /v1/orgs/:org/audit/export — the org's ledger as the NDJSON export that
// `mcpg verify` checks offline (the same bytes as `mcpg export-audit`),
// streamed page by page. An error after the first bytes aborts the response,
// so a client never holds a shorter file that looks complete: the export's
// end line is written last.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ledgerExportLines, type Store } from '@mcpg/store';
import { errorBodySchema } from '../api-errors.ts';
import { ledgerOrgParams } from './ledger-schemas.ts';

export const LEDGER_EXPORT_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';

const schema = {
  summary: "Export an org's audit ledger (signed checkpoints and every row) for offline verification with mcpg verify",
  tags: ['ledger'],
  params: ledgerOrgParams,
  response: {
    200: { description: 'NDJSON: header, checkpoints, rows in seq order, end line', content: { [LEDGER_EXPORT_CONTENT_TYPE]: { schema: { type: 'string' } } } },
    400: errorBodySchema,
    503: errorBodySchema,
  },
} as const;

export function ledgerExportRoutes(app: FastifyInstance, store: Store): void {
  app.get<{ Params: { org: string } }>('/v1/orgs/:org/audit/export', { schema }, async (request, reply) => {
    const { org } = request.params;
    const lines = ledgerExportLines(store, org);
    // The first chunk (header and checkpoints read) before the status line, so a store that is
    // down is still a clean 503 rather than a cut-off 200.
    const first = await lines.next();
    async function* rest() {
      if (!first.done) yield first.value;
      for await (const chunk of lines) yield chunk;
    }
    return reply
      .header('content-type', LEDGER_EXPORT_CONTENT_TYPE)
      .header('content-disposition', `attachment; filename="${org}-audit-ledger.ndjson"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(rest()));
  });
}
