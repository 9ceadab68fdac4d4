// A row of `tool_invocations` as the repository writes it (see
// schemas/clickhouse/001_tool_invocations.sql for what each column means).
//
// Timestamps are epoch milliseconds (numbers), as Avro timestamp-millis decodes
// them: no Date objects or string formatting per row on the hot path.
// ClickHouse reads a JSON integer into DateTime64(3) as milliseconds
// (asserted by the integration test, so an engine change would show).
// `source_offset` is a decimal string as the bus gives offsets (Kafka offsets
// are int64), or a number when the caller knows it is below 2^53; ClickHouse
// reads either. `stored_at` is set by ClickHouse.

export const TOOL_CALL_SOURCES = ['mcp', 'sandbox', 'skill'] as const;
export type ToolCallSource = (typeof TOOL_CALL_SOURCES)[number];

export const TOOL_CALL_OUTCOMES = ['ok', 'error', 'denied', 'timeout', 'cancelled'] as const;
export type ToolCallOutcome = (typeof TOOL_CALL_OUTCOMES)[number];

export const POLICY_DECISIONS = ['permit', 'deny', 'permit_with_obligations'] as const;
export type PolicyDecision = (typeof POLICY_DECISIONS)[number];

export interface ToolInvocationRow {
  readonly event_id: string;
  readonly org: string;
  readonly workspace: string;
  readonly instance: string;
  readonly plugin: string;
  readonly tool: string;
  readonly actor: string;
  readonly source: ToolCallSource;
  /** Epoch milliseconds. */
  readonly started_at: number;
  /** Epoch milliseconds. */
  readonly emitted_at: number;
  readonly duration_us: number;
  readonly outcome: ToolCallOutcome;
  /** '' when none. */
  readonly error_code: string;
  /** BLAKE3 hex of the masked message, '' when none; never the text. */
  readonly error_hash: string;
  readonly tokens_in: number;
  readonly tokens_out: number;
  readonly trace_id: string;
  readonly span_id: string;
  readonly policy_decision: PolicyDecision;
  readonly policy_rule_id: string;
  readonly source_partition: number;
  /** Decimal string (int64), or a safe integer. */
  readonly source_offset: string | number;
  /** Kafka message timestamp, epoch ms (schemas/clickhouse/017); null or absent when unknown. */
  readonly kafka_at?: number | null;
}
