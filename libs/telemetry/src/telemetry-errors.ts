// Errors of trace export configuration. A refused configuration never
// replaces the running one, so these are answers for the operator (the admin
// endpoint's 400, the config file watcher's log line), not crashes.
export const TELEMETRY_ERROR_CODES = ['INVALID_TRACING_CONFIG', 'TRACING_CONFIG_UNREADABLE', 'TRACING_SHUT_DOWN'] as const;
export type TelemetryErrorCode = (typeof TELEMETRY_ERROR_CODES)[number];

export class TelemetryError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: TelemetryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TelemetryError';
  }
}
