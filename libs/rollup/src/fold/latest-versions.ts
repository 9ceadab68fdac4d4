// What ClickHouse's ReplacingMergeTree(last_offset) with FINAL does, for
// tests, the embedded fallback and anyone holding rows in memory: of rows
// with equal keys, keep the one with the highest last_offset (a refolded
// chunk's newest row covers everything its older rows did).
import { ROLLUP_KEY_COLUMNS, type RollupRow } from './rollup-row.ts';

export function rollupRowKey(r: RollupRow): string {
  return JSON.stringify(ROLLUP_KEY_COLUMNS.map((c) => r[c]));
}

/** One row per key, the newest version; order of first appearance. */
export function latestVersions(rows: Iterable<RollupRow>): RollupRow[] {
  const byKey = new Map<string, RollupRow>();
  for (const r of rows) {
    const key = rollupRowKey(r);
    const seen = byKey.get(key);
    if (seen === undefined || r.last_offset >= seen.last_offset) byKey.set(key, r);
  }
  return [...byKey.values()];
}
