// A ToolCallEvent becomes one `tool_invocations` row. The error text never
// reaches storage: only its BLAKE3 digest (to group identical errors) and the
// error code. Everything here is a pure function of the event and its log
// position, so a replay writes byte-identical rows.
import { blake3 } from '@noble/hashes/blake3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { ToolCallEvent } from '@mcpg/events';

export interface InvocationRow {
  event_id: string;
  org: string;
  workspace: string;
  instance: string;
  plugin: string;
  tool: string;
  actor: string;
  source: ToolCallEvent['source'];
  started_at: number;
  emitted_at: number;
  duration_us: number;
  outcome: ToolCallEvent['outcome'];
  error_code: string;
  error_hash: string;
  tokens_in: number;
  tokens_out: number;
  trace_id: string;
  span_id: string;
  policy_decision: ToolCallEvent['policy_decision'];
  policy_rule_id: string;
  source_partition: number;
  source_offset: number;
  /** Kafka message timestamp, epoch ms; null when not read from Kafka. */
  kafka_at: number | null;
}

export function errorHash(message: string | null): string {
  return message ? bytesToHex(blake3(utf8ToBytes(message))) : '';
}

export function toInvocationRow(e: ToolCallEvent, partition: number, offset: string, kafkaAtMs: number | null = null): InvocationRow {
  return {
    event_id: e.event_id,
    org: e.org,
    workspace: e.workspace,
    instance: e.instance,
    plugin: e.plugin,
    tool: e.tool,
    actor: e.actor,
    source: e.source,
    started_at: e.started_at,
    emitted_at: e.emitted_at,
    duration_us: e.duration_us,
    outcome: e.outcome,
    error_code: e.error_code ?? '',
    error_hash: errorHash(e.error_message),
    tokens_in: e.tokens_in,
    tokens_out: e.tokens_out,
    trace_id: e.trace_id ?? '',
    span_id: e.span_id ?? '',
    policy_decision: e.policy_decision,
    policy_rule_id: e.policy_rule_id ?? '',
    source_partition: partition,
    source_offset: Number(offset),
    kafka_at: kafkaAtMs,
  };
}
