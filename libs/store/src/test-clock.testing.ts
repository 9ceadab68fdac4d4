// Fixture dates relative to the run. Stored rows carry their plan's window
// (raw calls 30 days, minute rows 30 to 90), and a background TTL merge may
// drop a row past it at any moment, so a spec that stamps rows on a fixed
// calendar date starts failing at random once that date is old enough.

const DAY_MS = 86_400_000;

/**
 * Midnight UTC `daysAgo` days before today, plus the given time of day:
 * keeps a fixture's alignment to days, hours and minutes while its rows stay
 * inside every plan's shortest window.
 */
export function utcDaysAgo(daysAgo: number, hours = 0, minutes = 0, seconds = 0, ms = 0): number {
  const midnight = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  return midnight - daysAgo * DAY_MS + Date.UTC(1970, 0, 1, hours, minutes, seconds, ms);
}
