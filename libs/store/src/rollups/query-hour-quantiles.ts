// The latency quantiles of one closed UTC hour per label set, for the fleet
// exposition's granularity=hour. Merging a whole hour's centroids (10,000
// label sets hold ~440k) costs the engine 60-70 ms however it is written, too
// much for every scrape; a closed hour is merged once and kept by the API
// (libs/api closed-hour-quantiles.ts), which asks for the hour's fingerprint
// on each scrape instead, to see whether late calls changed it since.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { WINDOW_QUANTILES, type WindowQuantiles } from './query-rollups.ts';

export const HOUR_MS = 3_600_000;

// Every centroid of the hour's rows of a label set, its mean weighted by its
// count: the same merge as the window quantiles (query-rollups.ts), over
// exactly one hour. The hour is PREWHERE under FINAL (exact: it is part of
// the sorting key, so every version of a row has it).
const QUANTILES_SQL = `
SELECT workspace, plugin, tool,
       quantilesExactWeightedArray(${WINDOW_QUANTILES.join(', ')})(latency_means, latency_weights) AS q
FROM tool_rollups_1h FINAL
PREWHERE hour = toDateTime({hour:UInt32}, 'UTC')
WHERE org = {org:String}
GROUP BY workspace, plugin, tool
HAVING sum(length(latency_means)) > 0
ORDER BY workspace, plugin, tool`;

// What the hour's digests hold, in two numbers. A row's digest changes only
// when calls are folded into it, and then its calls grow; a replayed chunk
// rewrites its rows with the same calls. So under FINAL the hour's calls
// (with its row count, for a row that went away) change exactly when its
// quantiles may have.
const FINGERPRINT_SQL = `
SELECT toString(count()) AS n, toString(sum(calls)) AS calls
FROM tool_rollups_1h FINAL
PREWHERE hour = toDateTime({hour:UInt32}, 'UTC')
WHERE org = {org:String}`;

function hourParams(org: string, hourMs: number): { org: string; hour: number } {
  if (hourMs % HOUR_MS !== 0) throw new RangeError(`not the start of a UTC hour: ${hourMs}`);
  return { org, hour: hourMs / 1000 };
}

/** Quantiles per label set over the hour starting at `hourMs` (a UTC hour start); label sets without a digest in it are absent. */
export async function queryHourQuantiles(store: Store, filter: { readonly org: string; readonly hourMs: number }): Promise<WindowQuantiles[]> {
  const query_params = hourParams(filter.org, filter.hourMs);
  try {
    const rs = await store.client.query({ query: QUANTILES_SQL, query_params, format: 'JSONCompactEachRow' });
    const rows = await rs.json<[string, string, string, number[]]>();
    return rows.map(([workspace, plugin, tool, q]) => ({ workspace, plugin, tool, quantilesMs: q.map(Number) }));
  } catch (err) {
    throw toStoreError(err, 'querying the latency quantiles of an hour');
  }
}

/** A string that changes whenever calls are added to the org's digests of the hour starting at `hourMs`. */
export async function queryHourFingerprint(store: Store, filter: { readonly org: string; readonly hourMs: number }): Promise<string> {
  const query_params = hourParams(filter.org, filter.hourMs);
  try {
    const rs = await store.client.query({ query: FINGERPRINT_SQL, query_params, format: 'JSONEachRow' });
    const [row] = await rs.json<{ n: string; calls: string }>();
    return `${row?.n ?? 0}/${row?.calls ?? 0}`;
  } catch (err) {
    throw toStoreError(err, 'reading what the digests of an hour hold');
  }
}
