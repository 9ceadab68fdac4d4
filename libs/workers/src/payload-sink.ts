// The payload sink of the rollup worker: consumes mcpg.payloads.v1 and stores
// each sealed payload in tool_invocation_payloads, as it came (the worker has
// no key and never sees plaintext). Exactly-once effect like the call rows:
// the row is a pure function of the event, keyed by (org, event_id, field),
// and offsets are committed only after the store confirmed the batch. A
// message that cannot be a payload row goes to the dead-letter topic.
import { payloadCodec, TOPICS, type ToolCallPayload } from '@mcpg/events';
import { BatchingSink, type Bus, type FlushReport, type IncomingMessage, type SinkLog, type SinkTotals } from '@mcpg/pipeline';
import { insertPayloads, recordFlush, type OrgRetention, type PayloadRow, type Store } from '@mcpg/store';

export const PAYLOAD_SINK_NAME = 'rollup-worker-payloads';

export class PayloadDecodeError extends Error {
  readonly code = 'INVALID_PAYLOAD';
  readonly retriable = false;
}

export function toPayloadRow(e: ToolCallPayload, partition: number, offset: string): PayloadRow {
  const bad = (why: string) => new PayloadDecodeError(`payload of ${JSON.stringify(e.event_id)}: ${why}`);
  if (e.org === '' || e.event_id === '') throw bad('org and event_id must not be empty');
  if (e.nonce.length !== 12 || e.tag.length !== 16) throw bad(`nonce must be 12 bytes and tag 16, got ${e.nonce.length} and ${e.tag.length}`);
  if (e.key_version < 1) throw bad(`key_version must be 1 or more, got ${e.key_version}`);
  return {
    org: e.org,
    event_id: e.event_id,
    field: e.field,
    workspace: e.workspace,
    instance: e.instance,
    key_version: e.key_version,
    nonce: e.nonce.toString('base64'),
    ciphertext: e.ciphertext.toString('base64'),
    tag: e.tag.toString('base64'),
    original_bytes: e.original_bytes,
    truncated: e.truncated,
    started_at: e.started_at,
    source_partition: partition,
    source_offset: offset,
  };
}

export interface PayloadSinkOptions {
  readonly bus: Bus;
  readonly store: Store;
  readonly groupId: string;
  readonly topic?: string;
  readonly batchRows: number;
  readonly flushMs: number;
  /** Each org's plan: rows are stamped with the payloads window. Absent: the column's default. */
  readonly retention?: OrgRetention;
  readonly log?: SinkLog;
  readonly onFatal?: (e: unknown) => void;
  readonly onFlushed?: (report: FlushReport) => void;
}

export interface RunningPayloadSink {
  readonly totals: SinkTotals;
  stop(): Promise<void>;
}

export async function startPayloadSink(opts: PayloadSinkOptions): Promise<RunningPayloadSink> {
  const topic = opts.topic ?? TOPICS.payloads;
  const consumer = await opts.bus.consumer({ groupId: opts.groupId, topics: [topic], fromBeginning: true, onError: (e) => opts.onFatal?.(e) });
  const producer = await opts.bus.producer();
  const sink = new BatchingSink<PayloadRow>({
    name: PAYLOAD_SINK_NAME,
    consumer,
    producer,
    deadLetterTopic: TOPICS.deadletter,
    decode: (msg: IncomingMessage) => [toPayloadRow(payloadCodec.decode(msg.value), msg.partition, msg.offset)],
    write: (rows) => insertPayloads(opts.store, rows, opts.retention?.stamp('payloads')),
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
