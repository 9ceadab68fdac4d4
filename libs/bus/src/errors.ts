// The bus error catalog. Callers branch on `code` (or `retriable`), never on
// message text; adapters translate their client's errors into these codes.

export const BUS_ERROR_CODES = [
  'BROKER_UNREACHABLE',
  'TOPIC_NOT_FOUND',
  'MESSAGE_TOO_LARGE',
  'NOT_AUTHORIZED',
  'TLS_FAILED',
  'REBALANCE_IN_PROGRESS',
  'TIMEOUT',
  'INVALID_REQUEST',
  'BROKER_ERROR',
  'HANDLER_FAILED',
  'CLOSED',
  'TOOLCHAIN_MISSING',
  'PROVISION_FAILED',
  'PORT_IN_USE',
  'BROKER_START_FAILED',
  'INVALID_CONFIG',
] as const;

export type BusErrorCode = (typeof BUS_ERROR_CODES)[number];

interface CodeDoc {
  /** Whether trying the same operation again later can succeed. */
  readonly retriable: boolean;
  readonly description: string;
}

/** One line per code: what it means and whether a retry can help. */
export const BUS_ERROR_DOCS: Readonly<Record<BusErrorCode, CodeDoc>> = {
  BROKER_UNREACHABLE: {
    retriable: true,
    description: 'No broker answered at the configured address (not started, wrong address, or down).',
  },
  TOPIC_NOT_FOUND: {
    retriable: false,
    description: 'The topic does not exist; topics are created by ensureTopics, never implicitly.',
  },
  MESSAGE_TOO_LARGE: {
    retriable: false,
    description: 'A message or batch is larger than the broker accepts (message.max.bytes).',
  },
  NOT_AUTHORIZED: {
    retriable: false,
    description: 'The broker refused the operation for these credentials (topic, group or cluster ACL).',
  },
  TLS_FAILED: {
    retriable: false,
    description:
      "The TLS handshake with the broker failed: its certificate is not trusted (CA file), not valid for the broker's address or expired, or the broker refused the client's certificate.",
  },
  REBALANCE_IN_PROGRESS: {
    retriable: true,
    description: 'The consumer group is rebalancing; partitions may move and uncommitted messages are redelivered.',
  },
  TIMEOUT: { retriable: true, description: 'The broker did not answer in time.' },
  INVALID_REQUEST: {
    retriable: false,
    description: 'The request itself is wrong (bad partition count, offset, topic name, or argument).',
  },
  BROKER_ERROR: {
    retriable: true,
    description: 'Any other broker-side error; `retriable` carries what the client said about it.',
  },
  HANDLER_FAILED: {
    retriable: true,
    description: 'The batch handler rejected; the consumer stopped and the uncommitted batch will be redelivered.',
  },
  CLOSED: { retriable: false, description: 'The producer, consumer or bus was used after close().' },
  TOOLCHAIN_MISSING: {
    retriable: false,
    description: 'java (17+) or mvn is not installed or not on PATH, so no local broker can be provisioned.',
  },
  PROVISION_FAILED: {
    retriable: true,
    description: 'Maven could not fetch the Kafka jars (network, Maven Central, or a corrupt ~/.m2).',
  },
  PORT_IN_USE: {
    retriable: false,
    description: 'A port the local broker needs is already taken on 127.0.0.1.',
  },
  BROKER_START_FAILED: {
    retriable: false,
    description: 'The local broker process exited or did not answer before the start timeout.',
  },
  INVALID_CONFIG: {
    retriable: false,
    description: 'The client configuration cannot work (e.g. SASL without a password, a TLS certificate without its key).',
  },
};

export class BusError extends Error {
  override readonly name = 'BusError';
  readonly code: BusErrorCode;
  readonly retriable: boolean;

  constructor(code: BusErrorCode, message: string, options: { cause?: unknown; retriable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? BUS_ERROR_DOCS[code].retriable;
  }
}

export function isBusError(error: unknown, code?: BusErrorCode): error is BusError {
  return error instanceof BusError && (code === undefined || error.code === code);
}
