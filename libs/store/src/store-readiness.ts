// The readiness question every app's /readyz asks of ClickHouse, answered the
// same way everywhere: SELECT 1 within a deadline, and on failure a reason
// that names the failure by its code, never a host or an engine message.
import { StoreError } from './errors.ts';
import type { Store } from './create-store.ts';

export type StoreReadiness = { readonly ready: true } | { readonly ready: false; readonly reason: string; readonly error: unknown };

/** Pings the store; a probe must not hang on a ClickHouse that accepts connections and never answers. */
export async function storeReadiness(store: Store, timeoutMs = 2_000): Promise<StoreReadiness> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreError('CLICKHOUSE_UNREACHABLE', `no answer within ${timeoutMs} ms`, true)), timeoutMs);
  });
  try {
    await Promise.race([store.ping(), deadline]);
    return { ready: true };
  } catch (error) {
    const code = error instanceof StoreError ? error.code : 'UNKNOWN';
    return { ready: false, reason: `ClickHouse did not answer SELECT 1 (${code})`, error };
  } finally {
    clearTimeout(timer);
  }
}
