// Errors of API key configuration (start-up) — request-time auth failures are
// HTTP answers (401/403), not exceptions.
export const API_AUTH_ERROR_CODES = ['INVALID_API_KEY_CONFIG', 'API_KEYS_FILE_UNREADABLE'] as const;
export type ApiAuthErrorCode = (typeof API_AUTH_ERROR_CODES)[number];

export class ApiAuthError extends Error {
  readonly retriable = false;
  constructor(
    readonly code: ApiAuthErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiAuthError';
  }
}
