// Payload views per API key: a token bucket per key, so one leaked or
// scripted key cannot walk a tenant's payloads at the engine's speed. In
// memory per API instance (N instances allow N times the rate: set the rate
// for one).

export interface ViewRateLimit {
  /** 0 when the view may go ahead, else the seconds until it may. */
  take(keyId: string): number;
}

export function createViewRateLimit(perMinute: number, now: () => number = Date.now): ViewRateLimit {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refillPerMs = perMinute / 60_000;
  return {
    take(keyId) {
      const t = now();
      const b = buckets.get(keyId) ?? { tokens: perMinute, at: t };
      b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * refillPerMs);
      b.at = t;
      buckets.set(keyId, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / refillPerMs / 1000));
    },
  };
}
