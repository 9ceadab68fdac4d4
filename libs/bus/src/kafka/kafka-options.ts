// Configuration of the Kafka adapter. Everything is passed in by the app's
// composition root; nothing here reads the environment.

import type { BusLog, LevelLogger } from '../log.ts';
import type { KafkaSasl, KafkaTls } from './kafka-security.ts';

/** kafkajs retry options: exponential backoff with jitter, then give up. */
export interface RetryPolicy {
  readonly retries?: number;
  readonly initialRetryTime?: number;
  readonly maxRetryTime?: number;
  /** Randomisation factor (0 = no jitter). */
  readonly factor?: number;
  /** Backoff multiplier per retry. */
  readonly multiplier?: number;
}

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

/**
 * `none` by default: events are small Avro records, the hop is loopback or a
 * LAN, and gzip (the only codec kafkajs ships) costs more CPU per byte than
 * the bandwidth it saves there — CPU the 2-core hosts need for the broker and
 * ClickHouse. Turn it on for WAN links.
 */
export type KafkaCompression = 'none' | 'gzip';

export interface KafkaConsumerTuning {
  /** Group session timeout. Default 30 000. */
  readonly sessionTimeoutMs?: number;
  /** Also how often a long-running handler's batch heartbeats. Default 3 000. */
  readonly heartbeatIntervalMs?: number;
  /** Longest a fetch waits for data; bounds idle latency. Default 500. */
  readonly maxWaitMs?: number;
  /** Default 1 MiB (kafkajs' default). */
  readonly maxBytesPerPartition?: number;
}

export interface KafkaBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Which kafkajs log lines reach `log`. Default `warn`. */
  readonly logLevel?: KafkaLogLevel;
  /** Where kafkajs' log lines go instead of its console logger. Default: nowhere. */
  readonly log?: BusLog | LevelLogger;
  /** One policy for connecting, producing, committing and consumer restarts. */
  readonly retry?: RetryPolicy;
  readonly compression?: KafkaCompression;
  /** How long send() calls are gathered into one produce request. Default 5 (Kafka 4's linger.ms). */
  readonly lingerMs?: number;
  /** A gathered batch is sent as soon as it reaches this size. Default 1 000 000 (under message.max.bytes). */
  readonly maxBatchBytes?: number;
  /** Partitions of a topic whose spec leaves them out. Default 3. */
  readonly defaultPartitions?: number;
  /** Replication of topics ensureTopics creates. Default 1 (single-node broker); 3 on a real cluster. */
  readonly replicationFactor?: number;
  /** TCP connect timeout. Default 3 000. */
  readonly connectionTimeoutMs?: number;
  /** Default 30 000. */
  readonly requestTimeoutMs?: number;
  readonly consumer?: KafkaConsumerTuning;
  /** Connect over TLS. Default: plaintext. */
  readonly tls?: KafkaTls;
  /** Authenticate with SASL. Default: none. */
  readonly sasl?: KafkaSasl;
}
