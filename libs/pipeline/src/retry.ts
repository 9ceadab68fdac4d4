// Retry is a policy passed in (tests pass zero delays), with a bail-out for
// errors that say they are not retriable.

export interface RetryPolicy {
  readonly retries: number;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

/**
 * A sink's default: retriable failures (ClickHouse or the broker unreachable,
 * a timeout) are retried for as long as they last, every 10 s at most, so a
 * worker waits out an outage (logging each attempt; its /readyz says why)
 * instead of exiting into a restart that meets the same outage. What cannot
 * be retried still ends the flush at once.
 */
export const DEFAULT_RETRY: RetryPolicy = { retries: Infinity, initialMs: 100, maxMs: 10_000, factor: 2 };
export const NO_DELAY_RETRY: RetryPolicy = { retries: 3, initialMs: 0, maxMs: 0, factor: 1 };

export function isRetriable(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'retriable' in e ? Boolean((e as { retriable: unknown }).retriable) : true;
}

export async function withRetry<T>(
  policy: RetryPolicy,
  fn: () => Promise<T>,
  onRetry?: (e: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  let delay = policy.initialMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= policy.retries || !isRetriable(e)) throw e;
      onRetry?.(e, attempt + 1, delay);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(policy.maxMs, delay * policy.factor);
    }
  }
}
