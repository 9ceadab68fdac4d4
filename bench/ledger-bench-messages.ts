// The routed audit messages the ledger worker consumes, as the router writes
// them (Avro single-object bytes, the source-position headers), built from the
// benchmark's events: shared so the stage bench and the ceiling bench decode
// the same bytes.
import { auditCodec, type AuditEvent } from '@mcpg/events';
import type { IncomingMessage } from '@mcpg/pipeline';
import { ROUTE_HEADERS } from '@mcpg/workers';
import { benchLedgerEvent } from './ledger-bench-event.ts';

/** Messages 0..rows-1 of the benchmark stream, one org, partition 0, offset = index. */
export function routedAuditMessages(rows: number): IncomingMessage[] {
  const messages: IncomingMessage[] = [];
  for (let i = 0; i < rows; i++) {
    const event = { ...benchLedgerEvent(i), call_event_id: null } as AuditEvent;
    const value = auditCodec.encode(event);
    const offset = String(i);
    messages.push({
      topic: 'mcpg.audit.by-org.v1',
      partition: 0,
      offset,
      key: event.org,
      value,
      headers: { [ROUTE_HEADERS.partition]: '0', [ROUTE_HEADERS.offset]: offset },
      raw: { key: Buffer.from(event.org), value, headers: {} } as unknown as IncomingMessage['raw'],
      timestamp: 0,
    });
  }
  return messages;
}
