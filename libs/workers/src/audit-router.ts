// The ledger's router: re-partitions mcpg.audit.v1 by org into
// mcpg.audit.by-org.v1, which only mcpg writes, keyed by org with mcpg's own
// partitioner. Producers of audit events may use any partitioner (librdkafka's
// CRC32 and the Java client's murmur2 put the same org in different
// partitions): the ledger folds each org from one partition of the routed
// topic, so every org has one writer and one order, and that order is a log
// the ledger can replay.
//
// Exactly-once effect without transactions: each routed message carries the
// position it was read from (ROUTE_HEADERS). The router commits its offsets
// only after the routed batch is acknowledged, so a crash re-sends what it
// had routed since its last commit; the ledger skips an event whose source
// position its org's state already covers. Sends are sequential (one flush at
// a time, the producer idempotent with one request in flight), so within one
// source partition the routed copies keep their order, and the first copy of
// each event is what the ledger folds.
import { TOPICS } from '@mcpg/events';
import { BatchingSink, type Bus, type FlushReport, type IncomingMessage, type OutgoingMessage, type SinkLog, type SinkTotals } from '@mcpg/pipeline';
import { recordFlush, type Store } from '@mcpg/store';
import { ROUTE_HEADERS, routableOrg } from './ledger-event.ts';

/**
 * Names the router in dead-letter headers, pipeline health and logs: it is
 * part of the ledger worker, and its topic (mcpg.audit.v1) tells its rows in
 * pipeline_progress and dead_letters apart from the fold's (mcpg.audit.by-org.v1).
 */
export const ROUTER_NAME = 'ledger-worker';

export interface AuditRouterOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly groupId: string;
  readonly sourceTopic: string;
  readonly routedTopic: string;
  readonly batchRows: number;
  readonly flushMs: number;
  readonly log?: SinkLog;
  readonly onFatal?: (e: unknown) => void;
  readonly onFlushed?: (report: FlushReport) => void;
}

export interface RunningAuditRouter {
  readonly totals: SinkTotals;
  stop(): Promise<void>;
}

/** The routed copy of a source message: its bytes and headers, keyed by org, with its source position. */
export function routedMessage(msg: IncomingMessage): OutgoingMessage {
  const org = routableOrg(msg);
  return {
    key: org,
    value: msg.value,
    headers: { ...msg.headers, [ROUTE_HEADERS.partition]: String(msg.partition), [ROUTE_HEADERS.offset]: msg.offset },
  };
}

export async function startAuditRouter(opts: AuditRouterOptions): Promise<RunningAuditRouter> {
  const consumer = await opts.bus.consumer({
    groupId: opts.groupId,
    topics: [opts.sourceTopic],
    fromBeginning: true,
    onError: (e) => opts.onFatal?.(e),
  });
  const producer = await opts.bus.producer();
  const sink = new BatchingSink<OutgoingMessage>({
    name: ROUTER_NAME,
    consumer,
    producer,
    deadLetterTopic: TOPICS.deadletter,
    decode: (msg) => [routedMessage(msg)],
    // A retried send may have landed in part: the copies it adds are skipped by source position.
    write: (messages) => producer.send(opts.routedTopic, messages),
    record: async (report) => {
      await recordFlush(opts.store, report);
      opts.onFlushed?.(report);
    },
    batchRows: opts.batchRows,
    flushMs: opts.flushMs,
    log: opts.log,
    onFatal: opts.onFatal,
  });
  await sink.start();
  return {
    totals: sink.totals,
    async stop() {
      await sink.stop();
      await producer.close();
    },
  };
}
