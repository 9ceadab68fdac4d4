// The masking error catalog. Masking itself never throws on input (any string
// or JSON value is masked, truncated or passed through); only a bad option at
// construction is an error, and it is a programming error, never retriable.

export const MASKING_ERROR_CODES = [
  /** An option of createMasker is out of range or of the wrong type. */
  'INVALID_OPTION',
] as const;
export type MaskingErrorCode = (typeof MASKING_ERROR_CODES)[number];

export class MaskingError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: MaskingErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MaskingError';
  }
}
