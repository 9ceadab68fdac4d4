// Which stored tier answers a time series, and how far back each one reaches.
// A step is served by the coarsest tier whose buckets divide it: 1m and 5m by
// the minute rollups, 1h by the hour digests, 1d by the day digests, each
// kept as long as the org's plan says (enterprise: 90 days, 180, 7 years). Raw calls (30 days) serve what the rollups do
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

/** How long a tier keeps its rows, in ms. */
export type TierWindows = Readonly<Record<SeriesTier, number>>;
/** How long each tier keeps its rows on the longest default plan (enterprise: the TTLs of schemas/clickhouse 003, 015, 016). */
export const TIER_RETENTION_MS: TierWindows = { minute: 90 * DAY_MS, hour: 180 * DAY_MS, day: Number.POSITIVE_INFINITY };

/**
 * An org plan's windows as tier limits: minute and hour steps reach back as
 * far as its plan keeps those rows; the day step always answers (a range
 * before its window says so in truncated_before), as it did before plans.
 */
export function planTierWindows(days: { readonly rollups_1m: number; readonly rollups_1h: number }): TierWindows {
  return { minute: days.rollups_1m * DAY_MS, hour: days.rollups_1h * DAY_MS, day: Number.POSITIVE_INFINITY };
}
/** tool_invocations (001) keeps 30 days. */
export const RAW_RETENTION_MS = 30 * DAY_MS;

/** At most this many buckets per group: a day of minutes, a bit more. */
export const MAX_SERIES_POINTS = 1_500;

/**
 * The step `auto` picks: the finest whose buckets fit MAX_SERIES_POINTS and
 * whose tier still keeps `fromMs` at `nowMs`. Always answers: 1d fits any
 * range a request may ask (4 years at 1,500 points).
 */
export function autoStep(fromMs: number, toMs: number, nowMs: number, windows: TierWindows = TIER_RETENTION_MS): SeriesStep {
  for (const step of SERIES_STEPS) {
    const points = Math.ceil(toMs / STEP_MS[step]) - Math.floor(fromMs / STEP_MS[step]);
    if (points <= MAX_SERIES_POINTS && stepKeeps(step, fromMs, nowMs, windows)) return step;
  }
  return '1d';
}

/** Whether the tier of `step` still holds rows from `fromMs` on. */
export function stepKeeps(step: SeriesStep, fromMs: number, nowMs: number, windows: TierWindows = TIER_RETENTION_MS): boolean {
  return fromMs >= nowMs - windows[TIER_OF_STEP[step]];
}

/** The finest step whose tier still holds `fromMs`. */
export function finestStep(fromMs: number, nowMs: number, windows: TierWindows = TIER_RETENTION_MS): SeriesStep {
  return SERIES_STEPS.find((s) => stepKeeps(s, fromMs, nowMs, windows)) ?? '1d';
}
