// The exposition writer's error catalog. These are programming errors (a bad
// metric or label name, families interleaved), never caused by label values:
// every value is escaped, whatever it holds.
export const EXPOSITION_ERROR_CODES = [
  /** Metric name not matching [a-zA-Z_:][a-zA-Z0-9_:]*. */
  'INVALID_METRIC_NAME',
  /** Label name not matching [a-zA-Z_][a-zA-Z0-9_]*, or reserved (starts with __), or repeated. */
  'INVALID_LABEL_NAME',
  /** A family written twice: the text format needs all of a family's samples together. */
  'DUPLICATE_FAMILY',
  /** A sample written before any family. */
  'NO_FAMILY',
  /** A writer used after release() gave its buffer back to the pool. */
  'RELEASED',
] as const;
export type ExpositionErrorCode = (typeof EXPOSITION_ERROR_CODES)[number];

export class ExpositionError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: ExpositionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExpositionError';
  }
}
