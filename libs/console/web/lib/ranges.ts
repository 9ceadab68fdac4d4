// The time ranges a view offers, resolved against the clock when data is
// fetched (a live view slides with it).
export const RANGES = {
  '15m': { label: '15 min', ms: 15 * 60_000 },
  '1h': { label: '1 h', ms: 3_600_000 },
  '6h': { label: '6 h', ms: 6 * 3_600_000 },
  '24h': { label: '24 h', ms: 86_400_000 },
  '7d': { label: '7 d', ms: 7 * 86_400_000 },
  '30d': { label: '30 d', ms: 30 * 86_400_000 },
} as const;
export type RangeKey = keyof typeof RANGES;

export const rangeKey = (v: string | null | undefined, fallback: RangeKey = '1h'): RangeKey => (v && v in RANGES ? (v as RangeKey) : fallback);

/** [from, to) in epoch ms; `to` is rounded up to the second so equal clicks give equal URLs. */
export function resolveRange(key: RangeKey, nowMs = Date.now()): { from: number; to: number } {
  const to = Math.ceil(nowMs / 1000) * 1000;
  return { from: to - RANGES[key].ms, to };
}
