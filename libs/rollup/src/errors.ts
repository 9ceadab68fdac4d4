// The rollup lib's error catalog (STYLE.md §5). InvalidCallError
// (validate-call.ts) is the per-event refusal; these are misuse of the fold.
export const ROLLUP_ERROR_CODES = [
  /** An offset at or below one already folded for the partition: a rewind needs a new RollupFold. */
  'OFFSET_NOT_INCREASING',
] as const;
export type RollupErrorCode = (typeof ROLLUP_ERROR_CODES)[number];

export class RollupError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: RollupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RollupError';
  }
}
