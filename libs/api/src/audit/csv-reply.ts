// Answers a request with a CSV download streamed from keyset chunks (ClickHouse
// formats the rows, libs/store export-audit-csv.ts; its bytes are written to
// the socket as they come): the response starts with the first rows and
// memory stays flat, however many rows match. A failure after the first bytes cannot change the
// status any more, so it aborts the connection (the client sees a truncated
// download, never a complete-looking partial file).
import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { exportAuditCsv, type AuditCsvColumn, type AuditFilter, type Store } from '@mcpg/store';
import { csvLine } from './csv.ts';
import { wantsCsv } from '../auth/route-access.ts';
import { TRUNCATED_BEFORE_HEADER } from './audit-truncation.ts';

/**
 * Rows per keyset chunk of an export (each chunk is one keys query and one
 * streamed query). Measured at 1M rows: 20k-row chunks cost 5.6 s CPU,
 * 100k-row chunks 4.7 s; the chunk's rows are streamed, not held.
 */
export const EXPORT_CHUNK_ROWS = 100_000;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

export function isCsvRequest(request: FastifyRequest): boolean {
  return wantsCsv(request.query, request.headers.accept);
}

export function sendAuditCsv(
  reply: FastifyReply,
  store: Store,
  filter: AuditFilter,
  file: { readonly name: string; readonly columns: readonly AuditCsvColumn[]; readonly truncatedBefore?: number | null },
): FastifyReply {
  async function* csv() {
    yield Buffer.from(csvLine(file.columns));
    yield* exportAuditCsv(store, filter, file.columns, { chunk: EXPORT_CHUNK_ROWS });
  }
  const body = Readable.from(csv());
  body.on('error', (err) => {
    reply.log.error({ err }, 'CSV export failed after the response started');
    reply.raw.destroy();
  });
  if (file.truncatedBefore != null) reply.header(TRUNCATED_BEFORE_HEADER, String(file.truncatedBefore));
  return reply
    .header('content-type', CSV_CONTENT_TYPE)
    .header('content-disposition', `attachment; filename="${file.name}"`)
    .header('cache-control', 'no-store')
    .send(body);
}
