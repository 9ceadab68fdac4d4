// What a writer passes to stamp each row with its org's window (days) for the
// row's class; without one the column's default (the enterprise tiers) holds.
export type RetentionStamp = (org: string) => number;

/** The insert's columns and a row's values, with retention_days appended when stamped. */
export function stamped<R extends { org: string }>(
  columns: readonly string[],
  rows: readonly R[],
  values: (row: R) => unknown[],
  stamp: RetentionStamp | undefined,
): { columns: [string, ...string[]]; values: unknown[][] } {
  if (!stamp) return { columns: columns as [string, ...string[]], values: rows.map(values) };
  return { columns: [columns[0] as string, ...columns.slice(1), 'retention_days'], values: rows.map((r) => [...values(r), stamp(r.org)]) };
}
