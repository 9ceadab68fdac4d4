// Exact counts of audit rows without reading the whole result with FINAL.
//
// audit_log is a ReplacingMergeTree: until parts merge, a row a restarted
// ledger worker re-appended is stored twice. The copies are the same row (the
// ledger is deterministic), so they have the same occurred_at, and they sit
// in different parts (an insert folds equal keys within its own part). So a
// copy can only exist at an instant that two or more active parts both
// cover: outside those "overlap windows" a plain count() is exact (and is
// answered from the indexes), inside them count() FINAL is. The windows come
// from each part's occurred_at range, which ClickHouse keeps per part (the
// partition key's min/max index), so finding them reads no rows.
//
// Parts appended in time order do not overlap; late events and re-appends
// make narrow windows until a merge folds them. A window is as wide as the
// overlap it comes from, so a very late event costs FINAL over its window,
// never more than a count with FINAL over everything.
//
// The part set is read before and after the count; if it changed (an insert
// or a merge in between), the count is taken again, so it always matches one
// set of parts.
import type { Store } from '../create-store.ts';
import { toStoreError } from '../errors.ts';
import { auditWhere, type AuditFilter } from './audit-filter-sql.ts';

const PART_RANGES_SQL = `SELECT _part AS part, toUnixTimestamp64Milli(min(occurred_at)) AS lo, toUnixTimestamp64Milli(max(occurred_at)) AS hi
FROM audit_log GROUP BY part ORDER BY part`;

interface PartRange {
  readonly part: string;
  readonly lo: number;
  readonly hi: number;
}

/** Closed ranges [lo, hi] (epoch ms) covered by two or more of `ranges`, ascending and disjoint. */
export function overlapWindows(ranges: readonly { readonly lo: number; readonly hi: number }[]): { lo: number; hi: number }[] {
  // Sweep over starts and ends; at one instant starts come first (closed ranges touch).
  const edges = ranges.flatMap((r) => [{ at: r.lo, step: 1 }, { at: r.hi, step: -1 }]).sort((a, b) => a.at - b.at || b.step - a.step);
  const windows: { lo: number; hi: number }[] = [];
  let depth = 0;
  let start = 0;
  for (const e of edges) {
    if (e.step === 1 && ++depth === 2) start = e.at;
    if (e.step === -1 && depth-- === 2) {
      const last = windows[windows.length - 1];
      if (last && last.hi >= start) last.hi = Math.max(last.hi, e.at);
      else windows.push({ lo: start, hi: e.at });
    }
  }
  return windows;
}

async function partRanges(store: Store): Promise<PartRange[]> {
  const rs = await store.client.query({ query: PART_RANGES_SQL, format: 'JSONEachRow' });
  return (await rs.json<{ part: string; lo: string | number; hi: string | number }>()).map((r) => ({ part: r.part, lo: Number(r.lo), hi: Number(r.hi) }));
}

const samePartSet = (a: readonly PartRange[], b: readonly PartRange[]) => a.length === b.length && a.every((r, i) => r.part === b[i]!.part);

// Rows in a window: the bounding range first, so the sort key prunes to it.
const IN_WINDOWS = `occurred_at >= fromUnixTimestamp64Milli({w_min:Int64}, 'UTC') AND occurred_at <= fromUnixTimestamp64Milli({w_max:Int64}, 'UTC')
  AND arrayExists((lo, hi) -> toUnixTimestamp64Milli(occurred_at) BETWEEN lo AND hi, {w_lo:Array(Int64)}, {w_hi:Array(Int64)})`;

async function countOnce(store: Store, filter: AuditFilter, windows: readonly { lo: number; hi: number }[]): Promise<number> {
  const where = auditWhere(filter);
  // All rows, minus the rows inside the windows counted plainly, plus the same rows counted with FINAL.
  const query =
    windows.length === 0
      ? `SELECT count() AS n FROM audit_log WHERE ${where.sql}`
      : `SELECT (SELECT count() FROM audit_log WHERE ${where.sql})
       - (SELECT count() FROM audit_log WHERE ${where.sql} AND ${IN_WINDOWS})
       + (SELECT count() FROM audit_log FINAL WHERE ${where.sql} AND ${IN_WINDOWS}) AS n`;
  const params =
    windows.length === 0
      ? where.params
      : { ...where.params, w_min: windows[0]!.lo, w_max: windows[windows.length - 1]!.hi, w_lo: windows.map((w) => w.lo), w_hi: windows.map((w) => w.hi) };
  const rs = await store.client.query({ query, query_params: params, format: 'JSONEachRow' });
  const [row] = await rs.json<{ n: string | number }>();
  return Number(row?.n ?? 0);
}

/** Exact number of rows matching the filter (re-appended copies count once). */
export async function countAudit(store: Store, filter: AuditFilter): Promise<number> {
  try {
    let before = await partRanges(store);
    for (let attempt = 0; attempt < 3; attempt++) {
      const n = await countOnce(store, filter, overlapWindows(before));
      const after = await partRanges(store);
      if (samePartSet(before, after)) return n;
      before = after;
    }
    // Parts kept changing under the count: FINAL over everything is exact on its own.
    const where = auditWhere(filter);
    const rs = await store.client.query({ query: `SELECT count() AS n FROM audit_log FINAL WHERE ${where.sql}`, query_params: where.params, format: 'JSONEachRow' });
    const [row] = await rs.json<{ n: string | number }>();
    return Number(row?.n ?? 0);
  } catch (err) {
    throw toStoreError(err, 'counting audit rows');
  }
}
