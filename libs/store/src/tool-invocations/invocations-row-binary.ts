// tool_invocations rows in RowBinary (ledger/row-binary.ts), for the embedded
// engine's file insert. The engine copies these values into its columns with
// no text to scan: the JSON lines the client sends (and chdb then pastes after
// the statement as one query string) were the largest part of the worker's
// insert cost (bench/ingest-peer.ts).
//
// Column types (schemas/clickhouse 001, 017, 061): LowCardinality(String) is
// written as a String; an Enum8 as its value's number; DateTime64(3) as Int64
// milliseconds; kafka_at is Nullable.
import { RowBinaryWriter } from '../ledger/row-binary.ts';
import { StoreError } from '../errors.ts';
import type { RetentionStamp } from '../retention/retention-stamp.ts';
import type { ToolInvocationRow } from './tool-invocation-row.ts';

// The Enum8 values of schemas/clickhouse/001.
const SOURCE: Readonly<Record<string, number>> = { mcp: 1, sandbox: 2, skill: 3 };
const OUTCOME: Readonly<Record<string, number>> = { ok: 1, error: 2, denied: 3, timeout: 4, cancelled: 5 };
const POLICY: Readonly<Record<string, number>> = { permit: 1, deny: 2, permit_with_obligations: 3 };

function enumValue(values: Readonly<Record<string, number>>, column: string, v: string): number {
  const n = values[v];
  // The engine would refuse the JSON value too: same verdict, before the insert.
  if (n === undefined) throw new StoreError('QUERY_FAILED', `tool_invocations.${column}: ${JSON.stringify(v)} is not one of ${Object.keys(values).join(', ')}`, false);
  return n;
}

// One writer for the process, reused: encoding a flush is one copy out, not an allocation per value.
const writer = new RowBinaryWriter(4 << 20);

/** The rows in the order of `columns` (INVOCATION_COLUMNS, then retention_days when stamped). */
export function encodeInvocationsRowBinary(rows: readonly ToolInvocationRow[], stamp?: RetentionStamp): Buffer {
  return writer.encode((w) => writeRows(w, rows, stamp));
}

function writeRows(w: RowBinaryWriter, rows: readonly ToolInvocationRow[], stamp: RetentionStamp | undefined): void {
  for (const r of rows) {
    w.string(r.event_id);
    w.string(r.org);
    w.string(r.workspace);
    w.string(r.instance);
    w.string(r.plugin);
    w.string(r.tool);
    w.string(r.actor);
    w.uint8(enumValue(SOURCE, 'source', r.source));
    w.int64(r.started_at);
    w.int64(r.emitted_at);
    w.uint64(r.duration_us);
    w.uint8(enumValue(OUTCOME, 'outcome', r.outcome));
    w.string(r.error_code);
    w.string(r.error_hash);
    w.uint64(r.tokens_in);
    w.uint64(r.tokens_out);
    w.string(r.trace_id);
    w.string(r.span_id);
    w.uint8(enumValue(POLICY, 'policy_decision', r.policy_decision));
    w.string(r.policy_rule_id);
    w.uint16(r.source_partition);
    if (typeof r.source_offset === 'string') w.uint64Decimal(r.source_offset);
    else w.uint64(r.source_offset);
    w.nullableInt64(r.kafka_at ?? null);
    if (stamp) w.uint16(stamp(r.org));
  }
}
