export type * from './bus-port.ts';
export { DLQ_HEADERS, deadLetter, deadLetterReference, type DeadLetterCause } from './dead-letter.ts';
export { isTooLarge } from './dead-letter-writer.ts';
export { DEFAULT_RETRY, NO_DELAY_RETRY, isRetriable, withRetry, type RetryPolicy } from './retry.ts';
export { BatchingSink, type SinkOptions, type SinkLog, type FlushStats,
  type FlushReport, type SinkTotals, type DecodeFailure, type WriteRefusal } from './batching-sink.ts';
export { LagTracker } from './lag-tracker.ts';
export { busOperatorAudit } from './operator-audit.ts';
