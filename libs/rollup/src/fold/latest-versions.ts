// What ClickHouse's ReplacingMergeTree(last_offset) with FINAL does, for
// tests, the embedded fallback and anyone holding rows in memory: of rows
// with equal keys, keep the one with the highest last_offset (a refolded
// chunk's newest row covers everything its older rows did). Works for minute
// rows (the default key), day totals (DAY_TOTALS_KEY_COLUMNS) and hour totals
// (HOUR_TOTALS_KEY_COLUMNS).
import { ROLLUP_KEY_COLUMNS, type RollupRow } from './rollup-row.ts';

type Versioned = { readonly last_offset: number };

export function rollupRowKey<T extends Versioned>(r: T, keyColumns: readonly (keyof T)[] = ROLLUP_KEY_COLUMNS as unknown as (keyof T)[]): string {
  return JSON.stringify(keyColumns.map((c) => r[c]));
}

/** One row per key, the newest version; order of first appearance. */
export function latestVersions<T extends Versioned = RollupRow>(rows: Iterable<T>, keyColumns?: readonly (keyof T)[]): T[] {
  const byKey = new Map<string, T>();
  for (const r of rows) {
    const key = rollupRowKey(r, keyColumns);
    const seen = byKey.get(key);
    if (seen === undefined || r.last_offset >= seen.last_offset) byKey.set(key, r);
  }
  return [...byKey.values()];
}
