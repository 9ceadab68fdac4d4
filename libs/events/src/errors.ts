// The error catalog of the event codec. Every decode failure is a property of
// the message bytes, never of the moment, so nothing here is retriable: the
// caller dead-letters the message with `code` and `message` as the reason.

export const EVENT_ERROR_CODES = [
  'BAD_MAGIC',
  'UNKNOWN_FINGERPRINT',
  'SCHEMA_MISMATCH',
  'TRUNCATED',
  'TRAILING_BYTES',
  'CORRUPT_BODY',
  'INVALID_EVENT',
] as const;
export type EventErrorCode = (typeof EVENT_ERROR_CODES)[number];

/** What each code means, for operators reading a dead-letter reason. */
export const EVENT_ERROR_DOCS: Readonly<Record<EventErrorCode, string>> = {
  BAD_MAGIC: 'The message does not start with the Avro single-object marker C3 01: not an mcpg event.',
  UNKNOWN_FINGERPRINT:
    'The schema fingerprint in the header matches no known writer schema (a producer on a schema this reader was not given).',
  SCHEMA_MISMATCH:
    'The writer schema is known but cannot be read as the requested event type (another event type, or an incompatible change).',
  TRUNCATED: 'The message ends before its header or body is complete.',
  TRAILING_BYTES: 'The body decodes completely but bytes are left over after it.',
  CORRUPT_BODY:
    'The body cannot be a valid encoding of the writer schema: a negative length, an enum or union index out of range, an integer out of range.',
  INVALID_EVENT:
    'The value handed to encode does not match the schema: a missing or undeclared field, a wrong type, an unknown enum symbol.',
};

export interface EventErrorOptions {
  readonly cause?: unknown;
  /** Dotted path of the offending field, when one can be named. */
  readonly field?: string;
}

export class EventError extends Error {
  override readonly name = 'EventError';
  readonly retriable = false as const;
  readonly field: string | undefined;

  constructor(
    readonly code: EventErrorCode,
    message: string,
    options: EventErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.field = options.field;
  }
}
