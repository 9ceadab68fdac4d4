// The bus port: what producers and consumers of mcpg events need from a log.
// It belongs to the core (the pipeline depends on it); the adapters in
// libs/bus implement it: Kafka (kafkajs) for real deployments, in-memory for
// unit tests and `mcpg up --bus memory`. One contract suite runs against both.

/** How an adapter reports a failure; libs/bus's BusError is one. */
export interface BusFailure extends Error {
  readonly code: string;
  readonly retriable: boolean;
}

/** A header value: text goes out as UTF-8, a Buffer as its bytes. */
export type HeaderValue = string | Buffer;

/** A message to produce. `key` decides the partition (mcpg keys by org). */
export interface OutgoingMessage {
  /** Text is sent as UTF-8; a Buffer as is (a forwarded key keeps its bytes). */
  readonly key: string | Buffer | null;
  /** null is Kafka's null value: only a forwarded copy of one sends it. */
  readonly value: Buffer | null;
  /** `traceparent` travels here. A list sends the name once per value, in order (Kafka allows repeats). */
  readonly headers?: Readonly<Record<string, HeaderValue | readonly HeaderValue[]>>;
}

/**
 * A record exactly as the log holds it: key, value and header bytes, a null
 * value as null, every value of a repeated header name. What a dead letter is
 * copied from, so it is byte for byte the message that could not be read.
 */
export interface RawRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, readonly Buffer[]>>;
}

/**
 * A message as read from the log, with its position. `key`, `value` and
 * `headers` are the forms a decoder reads (text, a null value as empty, the
 * last value of a repeated header); `raw` keeps the bytes as they were.
 */
export interface IncomingMessage {
  readonly topic: string;
  readonly partition: number;
  /** Offset as a decimal string (Kafka offsets are int64). */
  readonly offset: string;
  /** The key as UTF-8 text (bytes that are not UTF-8 read as U+FFFD: use `raw.key` to forward). */
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly raw: RawRecord;
  /** Broker (log-append or create) time, epoch milliseconds. */
  readonly timestamp: number;
}

/** Messages of one topic-partition, in offset order. */
export interface MessageBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly IncomingMessage[];
  /** Highest offset the broker knows for this partition (for lag), as a string. */
  readonly highWatermark: string;
}

/** The next offset to read: committing {offset: "42"} means 0..41 are done. */
export interface CommitPosition {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface BusProducer {
  /** Resolves once the log has durably accepted every message (acks=all). */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts. Default: earliest. */
  readonly fromBeginning?: boolean;
  /**
   * Called once if the consumer stops on its own: the handler rejected
   * (`HANDLER_FAILED`) or the client hit an error it does not retry (e.g.
   * `NOT_AUTHORIZED`; a broker that is down is retried, not reported). Nothing
   * after the last commit is lost: the next consumer of the group gets it
   * again. Without it the adapter logs the error, so a worker should pass one
   * that exits the process (and lets its supervisor restart it).
   */
  readonly onError?: (error: BusFailure) => void;
}

/**
 * Batches are delivered one at a time per partition, in order. Nothing is
 * committed implicitly: the caller commits positions once its sink has stored
 * the messages, so a crash re-delivers (at-least-once) instead of losing.
 */
export type BatchHandler = (batch: MessageBatch) => Promise<void>;

export interface BusConsumer {
  /** Resolves once subscribed; batches then arrive in the background. */
  start(handler: BatchHandler): Promise<void>;
  /** Rejects with `CLOSED` after close(): a silently dropped commit would hide redelivery. */
  commit(positions: readonly CommitPosition[]): Promise<void>;
  /** Stops fetching; resolves after the batch in progress returns. */
  close(): Promise<void>;
}

export interface TopicSpec {
  readonly name: string;
  /** Partition count for a new topic; the adapter's `defaultPartitions` if left out. */
  readonly partitions?: number;
}

export interface Bus {
  ensureTopics(topics: readonly TopicSpec[]): Promise<void>;
  /**
   * The end of each partition of a topic (the offset the next message will
   * get), decimal strings by partition; empty for a topic that does not exist.
   * A worker compares them with the positions its store holds: a log that
   * ends before them is not the log the store was built from.
   */
  endOffsets(topic: string): Promise<ReadonlyMap<number, string>>;
  producer(): Promise<BusProducer>;
  consumer(options: ConsumeOptions): Promise<BusConsumer>;
  close(): Promise<void>;
}
