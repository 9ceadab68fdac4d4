// kafkajs errors → the bus error catalog. kafkajs wraps the real cause in
// retry and aggregate errors, so the whole chain is inspected, by error name
// and Kafka protocol error type (never by message text).

import { BusError, type BusErrorCode } from '../errors.ts';

interface KafkaJsLike {
  readonly name?: string;
  readonly message?: string;
  readonly type?: string;
  readonly code?: string | number;
  readonly retriable?: boolean;
  readonly cause?: unknown;
  readonly errors?: readonly unknown[];
}

const UNREACHABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
]);
const UNREACHABLE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT']);

// Node's TLS and certificate error codes (OpenSSL's alerts arrive as ERR_SSL_*):
// the connection was made, the handshake is what failed, so it is no outage.
const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_SELF_SIGNED|CERT_)/;

const BY_PROTOCOL_TYPE: Readonly<Record<string, BusErrorCode>> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'TOPIC_NOT_FOUND',
  MESSAGE_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  RECORD_LIST_TOO_LARGE: 'MESSAGE_TOO_LARGE',
  TOPIC_AUTHORIZATION_FAILED: 'NOT_AUTHORIZED',
  GROUP_AUTHORIZATION_FAILED: 'NOT_AUTHORIZED',
  CLUSTER_AUTHORIZATION_FAILED: 'NOT_AUTHORIZED',
  TRANSACTIONAL_ID_AUTHORIZATION_FAILED: 'NOT_AUTHORIZED',
  REBALANCE_IN_PROGRESS: 'REBALANCE_IN_PROGRESS',
  ILLEGAL_GENERATION: 'REBALANCE_IN_PROGRESS',
  UNKNOWN_MEMBER_ID: 'REBALANCE_IN_PROGRESS',
  FENCED_INSTANCE_ID: 'REBALANCE_IN_PROGRESS',
  REQUEST_TIMED_OUT: 'TIMEOUT',
  INVALID_TOPIC_EXCEPTION: 'INVALID_REQUEST',
  INVALID_PARTITIONS: 'INVALID_REQUEST',
  INVALID_REPLICATION_FACTOR: 'INVALID_REQUEST',
  INVALID_REQUEST: 'INVALID_REQUEST',
  INVALID_COMMIT_OFFSET_SIZE: 'INVALID_REQUEST',
  OFFSET_OUT_OF_RANGE: 'INVALID_REQUEST',
};

/** The error and every cause below it, depth first (aggregate errors included). */
function chain(error: unknown): KafkaJsLike[] {
  const out: KafkaJsLike[] = [];
  const visit = (e: unknown, depth: number): void => {
    if (e === null || typeof e !== 'object' || depth > 10 || out.includes(e as KafkaJsLike)) return;
    const k = e as KafkaJsLike;
    out.push(k);
    for (const inner of k.errors ?? []) visit(inner, depth + 1);
    visit(k.cause, depth + 1);
  };
  visit(error, 0);
  return out;
}

function classify(links: readonly KafkaJsLike[]): BusErrorCode {
  if (links.some((e) => TLS_CODE.test(String(e.code ?? '')))) return 'TLS_FAILED';
  if (links.some((e) => UNREACHABLE_NAMES.has(e.name ?? '') || UNREACHABLE_SOCKET_CODES.has(String(e.code)))) {
    return 'BROKER_UNREACHABLE';
  }
  for (const e of links) {
    const byType = e.type === undefined ? undefined : BY_PROTOCOL_TYPE[e.type];
    if (byType) return byType;
    if (e.type?.startsWith('SASL_') || e.name === 'KafkaJSSASLAuthenticationError') return 'NOT_AUTHORIZED';
  }
  if (links.some((e) => e.name === 'KafkaJSRequestTimeoutError' || e.name === 'KafkaJSTimeout')) return 'TIMEOUT';
  if (links.some((e) => e.type !== undefined)) return 'BROKER_ERROR';
  // A non-retriable kafkajs error with no broker answer behind it is an argument check.
  if (links.some((e) => e.name === 'KafkaJSNonRetriableError') || links[0]?.name === 'TypeError') return 'INVALID_REQUEST';
  return 'BROKER_ERROR';
}

export interface ErrorContext {
  readonly brokers: readonly string[];
  /** What was being done, for the message: "connecting the producer", "sending to mcpg.calls.v1". */
  readonly action: string;
}

export function toBusError(error: unknown, context: ErrorContext): BusError {
  if (error instanceof BusError) return error;
  const links = chain(error);
  const code = classify(links);
  const root = links[links.length - 1];
  const detail = root?.message ?? String(error);
  if (code === 'BROKER_UNREACHABLE') {
    return new BusError(
      code,
      `Kafka broker ${context.brokers.join(', ')} is not reachable while ${context.action} (${detail}). ` +
        'Start one with `mcpg kafka start`, point the brokers setting at a running one, or use `--bus memory`.',
      { cause: error },
    );
  }
  if (code === 'TLS_FAILED') {
    return new BusError(
      code,
      `TLS handshake with Kafka broker ${context.brokers.join(', ')} failed while ${context.action} (${detail}). ` +
        "Check that the CA file names the broker's CA, that the certificate is valid for the broker's address, and that the client certificate and key are the ones the broker expects.",
      { cause: error },
    );
  }
  // BROKER_ERROR keeps what kafkajs said of the root cause (its retry wrappers always say
  // "non-retriable": they mean "I stopped retrying"); other codes take the catalog's answer.
  const retriable = code === 'BROKER_ERROR' ? root?.retriable !== false : undefined;
  return new BusError(code, `Kafka error while ${context.action}: ${detail}`, {
    cause: error,
    ...(retriable === undefined ? {} : { retriable }),
  });
}
