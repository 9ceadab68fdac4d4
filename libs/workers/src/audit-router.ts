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
//
// The routed copy is larger than its source (the route headers, ~45 bytes),
// so an event just under the broker's size limit can be refused on the
// routed topic (and a batch of small ones can be over the limit together).
// Then the batch is sent again one message at a time, in order, and a message
// still refused is dead-lettered and counted (a reference if its copy is too
// large as well): the router never stalls on one event.
import { TOPICS } from '@mcpg/events';
import {
  BatchingSink,
  isTooLarge,
  type Bus,
  type BusProducer,
  type FlushReport,
  type IncomingMessage,
  type OutgoingMessage,
  type SinkLog,
  type SinkTotals,
  type WriteRefusal,
} from '@mcpg/pipeline';
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

/**
 * The routed copy of a source message: its value and header bytes as the log
 * holds them (every value of a repeated header; bytes that are not UTF-8
 * stay as they are), keyed by org, with its source position.
 */
export function routedMessage(msg: IncomingMessage): OutgoingMessage {
  const org = routableOrg(msg);
  return {
    key: org,
    value: msg.value,
    headers: { ...msg.raw.headers, [ROUTE_HEADERS.partition]: String(msg.partition), [ROUTE_HEADERS.offset]: msg.offset },
  };
}

interface Routed {
  readonly source: IncomingMessage;
  readonly copy: OutgoingMessage;
}

/** Sends the routed copies; those the broker refuses as too large even alone come back as refusals. */
export async function sendRouted(producer: BusProducer, topic: string, batch: readonly Routed[]): Promise<WriteRefusal[]> {
  try {
    await producer.send(
      topic,
      batch.map((r) => r.copy),
    );
    return [];
  } catch (e) {
    if (!isTooLarge(e)) throw e;
  }
  // Part of the batch may have landed: the copies sent again are skipped by
  // source position. One at a time, in order, tells which message is refused.
  const refused: WriteRefusal[] = [];
  for (const r of batch) {
    try {
      await producer.send(topic, [r.copy]);
    } catch (e) {
      if (!isTooLarge(e)) throw e;
      const size = r.copy.value?.length ?? 0;
      refused.push({ source: r.source, code: 'TOO_LARGE_TO_ROUTE', reason: `the routed copy (${size} bytes of value plus the route headers) is over the broker's limit for ${topic}: ${String(e)}` });
    }
  }
  return refused;
}

export async function startAuditRouter(opts: AuditRouterOptions): Promise<RunningAuditRouter> {
  const consumer = await opts.bus.consumer({
    groupId: opts.groupId,
    topics: [opts.sourceTopic],
    fromBeginning: true,
    onError: (e) => opts.onFatal?.(e),
  });
  const producer = await opts.bus.producer();
  const sink = new BatchingSink<Routed>({
    name: ROUTER_NAME,
    consumer,
    producer,
    deadLetterTopic: TOPICS.deadletter,
    decode: (msg) => [{ source: msg, copy: routedMessage(msg) }],
    // A retried send may have landed in part: the copies it adds are skipped by source position.
    write: (batch) => sendRouted(producer, opts.routedTopic, batch),
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
