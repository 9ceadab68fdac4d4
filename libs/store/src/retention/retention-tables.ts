// Which tables hold each data class of a retention plan, and the time column
// their TTL counts from (schemas/clickhouse 061). The audit class has no row
// TTL: the ledger is pruned by whole signed segments (prune-ledger.ts).
import type { DataClass } from '@mcpg/config';

export interface RetainedTable {
  readonly table: string;
  /** The row's own time the window counts from. */
  readonly time: string;
  /** Derived from another table of the class (its minute, not the calls' own time): kept by the same window, not read for the oldest retained row. */
  readonly derived?: boolean;
}

export const RETENTION_TABLES: Readonly<Record<Exclude<DataClass, 'audit'>, readonly RetainedTable[]>> = {
  samples: [
    { table: 'tool_invocations', time: 'started_at' },
    // The calls' lag per minute (074), kept as long as the calls.
    { table: 'tool_invocation_lag_1m', time: 'minute', derived: true },
  ],
  payloads: [
    { table: 'tool_invocation_payloads_v2', time: 'started_at' },
    // Payloads captured before migration 084, until their TTL.
    { table: 'tool_invocation_payloads', time: 'started_at' },
  ],
  rollups_1m: [
    { table: 'tool_rollups_1m', time: 'minute' },
    { table: 'tool_rollups_org_1m', time: 'minute' },
  ],
  rollups_1h: [
    { table: 'tool_rollups_1h', time: 'hour' },
    { table: 'tool_totals_1h', time: 'hour' },
    { table: 'tool_rollups_org_1h', time: 'hour' },
  ],
  rollups_1d: [
    { table: 'tool_rollups_1d', time: 'day' },
    { table: 'tool_rollups_org_1d', time: 'day' },
  ],
};

export type RowClass = keyof typeof RETENTION_TABLES;
export const ROW_CLASSES = Object.keys(RETENTION_TABLES) as RowClass[];
