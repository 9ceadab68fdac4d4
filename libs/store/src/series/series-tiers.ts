// Which stored tier answers a time series, and how far back each one reaches.
// A step is served by the coarsest tier whose buckets divide it: 1m and 5m by
// the minute rollups (90 days), 1h by the hour digests (180 days), 1d by the
// day digests (kept for good). Raw calls (30 days) serve what the rollups do
// not carry: filters by outcome and the pipeline lag quantiles.

export const SERIES_STEPS = ['1m', '5m', '1h', '1d'] as const;
export type SeriesStep = (typeof SERIES_STEPS)[number];
export const SERIES_TIERS = ['minute', 'hour', 'day'] as const;
export type SeriesTier = (typeof SERIES_TIERS)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export const STEP_MS: Readonly<Record<SeriesStep, number>> = { '1m': MINUTE_MS, '5m': 5 * MINUTE_MS, '1h': HOUR_MS, '1d': DAY_MS };
export const TIER_OF_STEP: Readonly<Record<SeriesStep, SeriesTier>> = { '1m': 'minute', '5m': 'minute', '1h': 'hour', '1d': 'day' };

/** How long each tier keeps its rows (the TTLs of schemas/clickhouse 003, 015, 016). */
export const TIER_RETENTION_MS: Readonly<Record<SeriesTier, number>> = { minute: 90 * DAY_MS, hour: 180 * DAY_MS, day: Number.POSITIVE_INFINITY };
/** tool_invocations (001) keeps 30 days. */
export const RAW_RETENTION_MS = 30 * DAY_MS;

/** At most this many buckets per group: a day of minutes, a bit more. */
export const MAX_SERIES_POINTS = 1_500;

/**
 * The step `auto` picks: the finest whose buckets fit MAX_SERIES_POINTS and
 * whose tier still keeps `fromMs` at `nowMs`. Always answers: 1d fits any
 * range a request may ask (4 years at 1,500 points).
 */
export function autoStep(fromMs: number, toMs: number, nowMs: number): SeriesStep {
  for (const step of SERIES_STEPS) {
    const points = Math.ceil(toMs / STEP_MS[step]) - Math.floor(fromMs / STEP_MS[step]);
    if (points <= MAX_SERIES_POINTS && stepKeeps(step, fromMs, nowMs)) return step;
  }
  return '1d';
}

/** Whether the tier of `step` still holds rows from `fromMs` on. */
export function stepKeeps(step: SeriesStep, fromMs: number, nowMs: number): boolean {
  return fromMs >= nowMs - TIER_RETENTION_MS[TIER_OF_STEP[step]];
}

/** The finest step whose tier still holds `fromMs`. */
export function finestStep(fromMs: number, nowMs: number): SeriesStep {
  return SERIES_STEPS.find((s) => stepKeeps(s, fromMs, nowMs)) ?? '1d';
}
