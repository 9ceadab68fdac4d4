// OperatorAudit over the bus: an operator action becomes an AuditEvent on
// mcpg.audit.v1 keyed by its org, like a gateway's, so the ledger worker
// chains and signs it in the org's ledger. record() resolves once the log
// has accepted it (acks=all): a caller that changes state after it has the
// change on record first.
import { auditCodec, operatorAuditEvent, TOPICS, type OperatorAudit } from '@mcpg/events';
import type { Bus, BusProducer } from './bus-port.ts';

export function busOperatorAudit(bus: Bus, topic: string = TOPICS.audit): OperatorAudit & { close(): Promise<void> } {
  let producer: Promise<BusProducer> | undefined;
  return {
    async record(action) {
      producer ??= bus.producer();
      const event = operatorAuditEvent(action);
      await (await producer).send(topic, [{ key: event.org, value: auditCodec.encode(event) }]);
    },
    async close() {
      if (producer) await (await producer).close();
    },
  };
}
